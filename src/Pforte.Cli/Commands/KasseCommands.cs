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

        var brandIk = new Option<string>("--ik") { Description = "Institutionskennzeichen (9 Ziffern).", Required = true };
        var color = new Option<string?>("--color") { Description = "Markenfarbe des Portals als #RRGGBB (weiße Schrift darauf braucht Kontrast 4,5:1); leer entfernt sie." };
        var logo = new Option<FileInfo?>("--logo") { Description = "Logo des Portals (PNG, höchstens 256 KB)." };
        var noLogo = new Option<bool>("--no-logo") { Description = "Entfernt das Logo." };
        var branding = new Command("branding", "Setzt Markenfarbe und Logo des Portals einer Kasse.") { brandIk, color, logo, noLogo };
        branding.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            byte[]? logoBytes = parse.GetValue(noLogo) ? [] : null;
            if (parse.GetValue(logo) is { } file)
            {
                logoBytes = file.Exists && file.Length <= KasseBranding.MaxLogoBytes
                    ? await File.ReadAllBytesAsync(file.FullName, token).ConfigureAwait(false)
                    : [0];
            }
            var result = await services.GetRequiredService<KasseBranding>().ExecuteAsync(
                parse.GetValue(brandIk)!, parse.GetValue(color), logoBytes, AuditContext.Cli("kasse branding"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var kasse, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Kasse {kasse.Ik}: Farbe {kasse.BrandColor ?? "Standard"}, Logo {(kasse.LogoPng is null ? "keins" : $"{kasse.LogoPng.Length} Bytes")}.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));

        var kasseCommand = new Command("kasse", "Kassen (Mandanten) verwalten.");
        kasseCommand.Subcommands.Add(branding);
        kasseCommand.Subcommands.Add(create);
        kasseCommand.Subcommands.Add(list);
        return kasseCommand;
    }
}
