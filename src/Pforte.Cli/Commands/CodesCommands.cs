using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Cli.Commands;

internal static class CodesCommands
{
    public static Command Build(CliContext cli)
    {
        var asOf = new Option<string?>("--as-of") { Description = "Stichtag (JJJJ-MM-TT, Europe/Berlin); Standard: heute." };
        var kasse = new Option<string?>("--kasse") { Description = "Institutionskennzeichen der Kasse; Standard: alle Kassen." };
        var issueDue = new Command("issue-due", "Gibt allen Berechtigten ohne aktiven oder unterwegs befindlichen Code einen neuen Code per Brief und löscht die Codes nicht mehr Berechtigter.") { asOf, kasse };
        issueDue.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var clock = services.GetRequiredService<TimeProvider>();
            var day = BerlinCalendar.Today(clock);
            if (parse.GetValue(asOf) is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            {
                return await cli.FailAsync(new Error(ErrorCodes.DateArgumentInvalid, text)).ConfigureAwait(false);
            }
            Guid? kasseId = null;
            if (parse.GetValue(kasse) is { } ik)
            {
                var found = await KasseLookup.ResolveAsync(services.GetRequiredService<PforteDbContext>(), ik, token).ConfigureAwait(false);
                if (!found.TryGetValue(out var k, out var error))
                {
                    return await cli.FailAsync(error).ConfigureAwait(false);
                }
                kasseId = k.Id;
            }
            var lastReport = 0L;
            var progress = new SynchronousProgress<IssueDueProgress>(p =>
            {
                if (p.Checked - lastReport >= 50_000)
                {
                    lastReport = p.Checked;
                    cli.Err.WriteLine($"… {GermanText.Count(p.Checked, "Person", "Personen")} geprüft, {GermanText.Count(p.Issued, "Code", "Codes")} ausgegeben, {GermanText.Number(p.Deleted)} gelöscht");
                }
            });
            var result = await services.GetRequiredService<IssueDueCodes>()
                .ExecuteAsync(day, AuditContext.Cli("codes issue-due"), progress, kasseId, token).ConfigureAwait(false);
            await cli.Out.WriteLineAsync(
                $"Stichtag {result.AsOf.ToString("dd.MM.yyyy", GermanText.Culture)}: {GermanText.Count(result.Checked, "Person", "Personen")} geprüft, {GermanText.Count(result.Issued, "Code", "Codes")} ausgegeben (Briefe in der Warteschlange), {GermanText.Count(result.Deleted, "Code", "Codes")} gelöscht, {GermanText.Number(result.Skipped)} übersprungen (Brief unzustellbar) in {GermanText.Duration(result.Elapsed)}.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));

        var kvnr = new Argument<string>("KVNR") { Description = "Krankenversichertennummer." };
        var status = new Command("status", "Zeigt den Zustand des Codes einer Person (nie den Code).") { kvnr, kasse };
        status.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var found = await KasseLookup.ResolveAsync(services.GetRequiredService<PforteDbContext>(), parse.GetValue(kasse), token).ConfigureAwait(false);
            if (!found.TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var result = await services.GetRequiredService<GetCodeStatus>().ExecuteAsync(k.Id, parse.GetValue(kvnr)!, token).ConfigureAwait(false);
            if (!result.TryGetValue(out var s, out error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"{s.Kvnr}: {s.State} seit {s.Since?.ToString("dd.MM.yyyy HH:mm", ErrorTexts.German) ?? "–"}, Fehlversuche {s.ConsecutiveFailures}").ConfigureAwait(false);
            await cli.Out.WriteLineAsync(s.Explanation).ConfigureAwait(false);
            foreach (var l in s.Letters)
            {
                await cli.Out.WriteLineAsync($"  Brief {l.Kind}: eingereiht {l.QueuedAt.ToString("dd.MM.yyyy", ErrorTexts.German)}, übergeben {l.ExportedAt?.ToString("dd.MM.yyyy", ErrorTexts.German) ?? "–"}{(l.ReturnedAt is null ? "" : ", unzustellbar")}").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));

        var codes = new Command("codes", "Authentifizierungscodes (maschinelles Verfahren).");
        codes.Subcommands.Add(issueDue);
        codes.Subcommands.Add(status);
        return codes;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
