using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Cli.Commands;

internal static class KasseCommands
{
    public static Command Build(CliContext cli)
    {
        var ik = new Option<string>("--ik") { Description = "Institutionskennzeichen (9 Ziffern).", Required = true };
        var name = new Option<string>("--name") { Description = "Name der Kasse.", Required = true };
        var street = new Option<string>("--street") { Description = "Straße der Absenderadresse.", Required = true };
        var house = new Option<string>("--house-number") { Description = "Hausnummer der Absenderadresse.", Required = true };
        var postal = new Option<string>("--postal-code") { Description = "Postleitzahl der Absenderadresse.", Required = true };
        var city = new Option<string>("--city") { Description = "Ort der Absenderadresse.", Required = true };
        var create = new Command("create", "Legt eine Kasse (Mandant) an.") { ik, name, street, house, postal, city };
        create.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var result = await services.GetRequiredService<CreateKasse>().ExecuteAsync(
                new NewKasse(parse.GetValue(ik)!, parse.GetValue(name)!, parse.GetValue(street)!, parse.GetValue(house)!, parse.GetValue(postal)!, parse.GetValue(city)!),
                AuditContext.Cli("kasse create"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var kasse, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Kasse {kasse.Ik} „{kasse.Name}“ angelegt.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));

        var list = new Command("list", "Listet die Kassen dieser Installation.");
        list.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            foreach (var k in await db.Kassen.AsNoTracking().OrderBy(k => k.Ik).ToListAsync(token).ConfigureAwait(false))
            {
                await cli.Out.WriteLineAsync($"{k.Ik}\t{k.Name}{(k.IsDemo ? "\t(Demo)" : "")}").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));

        var kasseCommand = new Command("kasse", "Kassen (Mandanten) verwalten.");
        kasseCommand.Subcommands.Add(create);
        kasseCommand.Subcommands.Add(list);
        return kasseCommand;
    }
}
