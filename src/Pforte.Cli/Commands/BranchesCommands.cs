using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Core.Portal;

namespace Pforte.Cli.Commands;

/// <summary><c>pforte branches</c>: staff keep the Beratungscenter the portal's public finder shows.</summary>
internal static class BranchesCommands
{
    public static Command Build(CliContext cli)
    {
        var branches = new Command("branches", "Beratungscenter der Kasse pflegen (Anschrift, Öffnungszeiten), die der Beratungscenter-Finder im Portal zeigt.");
        branches.Subcommands.Add(BuildAdd(cli));
        branches.Subcommands.Add(BuildUpdate(cli));
        branches.Subcommands.Add(BuildRemove(cli));
        branches.Subcommands.Add(BuildList(cli));
        return branches;
    }

    private sealed record Fields(Option<string?> Name, Option<string?> Street, Option<string?> HouseNumber, Option<string?> PostalCode, Option<string?> City, Option<string[]> Hours)
    {
        public IEnumerable<Option> All => [Name, Street, HouseNumber, PostalCode, City, Hours];

        public BranchInput Read(ParseResult parse) => new(parse.GetValue(Name), parse.GetValue(Street), parse.GetValue(HouseNumber), parse.GetValue(PostalCode),
            parse.GetValue(City), parse.GetResult(Hours) is null ? null : parse.GetValue(Hours));
    }

    private static Fields NewFields(bool required) => new(
        new("--name") { Description = "Name des Beratungscenters, z. B. „Beratungscenter Frankfurt-Mitte“.", Required = required },
        new("--street") { Description = "Straße.", Required = required },
        new("--house-number") { Description = "Hausnummer.", Required = required },
        new("--postal-code") { Description = "Postleitzahl (5 Ziffern).", Required = required },
        new("--city") { Description = "Ort.", Required = required },
        new("--hours")
        {
            Description = $"Öffnungszeiten, eine Zeile je Angabe (bis zu {BranchLimits.HoursLines}), z. B. --hours \"Mo–Fr 8:00–18:00 Uhr\" --hours \"Sa 9:00–12:00 Uhr\".",
            Required = required,
            AllowMultipleArgumentsPerToken = false,
        });

    private static Option<string?> KasseOption() =>
        new("--kasse") { Description = "Institutionskennzeichen der Kasse (nur nötig, wenn die Installation mehrere Kassen führt)." };

    private static Command BuildAdd(CliContext cli)
    {
        var fields = NewFields(required: true);
        var kasse = KasseOption();
        var add = new Command("add", "Legt ein Beratungscenter an.") { kasse };
        foreach (var option in fields.All)
        {
            add.Options.Add(option);
        }
        add.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            if (!(await KasseLookup.ResolveAsync(services.GetRequiredService<PforteDbContext>(), parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var result = await services.GetRequiredService<ManageBranches>().AddAsync(k.Id, fields.Read(parse), AuditContext.Cli("branches add"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var branch, out error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Beratungscenter „{branch.Name}“ angelegt: {branch.Id}").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));
        return add;
    }

    private static Command BuildUpdate(CliContext cli)
    {
        var fields = NewFields(required: false);
        var kasse = KasseOption();
        var id = new Argument<string>("ID") { Description = "Kennung des Beratungscenters (aus „pforte branches list“)." };
        var update = new Command("update", "Ändert ein Beratungscenter; nur die angegebenen Felder ändern sich (--hours ersetzt alle Zeilen).") { id, kasse };
        foreach (var option in fields.All)
        {
            update.Options.Add(option);
        }
        update.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            if (!(await KasseLookup.ResolveAsync(services.GetRequiredService<PforteDbContext>(), parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var result = await services.GetRequiredService<ManageBranches>().UpdateAsync(k.Id, parse.GetValue(id), fields.Read(parse), AuditContext.Cli("branches update"), token)
                .ConfigureAwait(false);
            if (!result.TryGetValue(out var branch, out error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Beratungscenter „{branch.Name}“ gespeichert.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));
        return update;
    }

    private static Command BuildRemove(CliContext cli)
    {
        var kasse = KasseOption();
        var id = new Argument<string>("ID") { Description = "Kennung des Beratungscenters (aus „pforte branches list“)." };
        var remove = new Command("remove", "Entfernt ein Beratungscenter aus dem Finder.") { id, kasse };
        remove.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            if (!(await KasseLookup.ResolveAsync(services.GetRequiredService<PforteDbContext>(), parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var result = await services.GetRequiredService<ManageBranches>().RemoveAsync(k.Id, parse.GetValue(id), AuditContext.Cli("branches remove"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var branch, out error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Beratungscenter „{branch.Name}“ entfernt.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));
        return remove;
    }

    private static Command BuildList(CliContext cli)
    {
        var kasse = KasseOption();
        var list = new Command("list", "Listet die Beratungscenter der Kasse: Kennung, Name, Anschrift, Öffnungszeiten.") { kasse };
        list.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            if (!(await KasseLookup.ResolveAsync(services.GetRequiredService<PforteDbContext>(), parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var all = await services.GetRequiredService<FindBranches>().AllAsync(k.Id, token).ConfigureAwait(false);
            if (all.Count == 0)
            {
                await cli.Out.WriteLineAsync("Keine Beratungscenter erfasst.").ConfigureAwait(false);
            }
            foreach (var b in all)
            {
                await cli.Out.WriteLineAsync($"{b.Id}\t{b.Name}\t{b.Street} {b.HouseNumber}, {b.PostalCode} {b.City}\t{string.Join(" | ", b.OpeningHourLines)}").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));
        return list;
    }
}
