using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;

namespace Pforte.Cli.Commands;

internal static class AuditCommands
{
    public static Command Build(CliContext cli)
    {
        var verifyKasse = new Option<string?>("--kasse") { Description = "Nur die Kasse mit diesem Institutionskennzeichen prüfen." };
        var verify = new Command("verify", "Prüft die Protokollkette jeder Kasse und nennt die erste Bruchstelle.") { verifyKasse };
        verify.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var result = await services.GetRequiredService<VerifyAuditChain>().ExecuteAsync(parse.GetValue(verifyKasse), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var reports, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var broken = false;
            foreach (var report in reports)
            {
                var checkedText = GermanText.Count(report.EntriesChecked, "Eintrag", "Einträge");
                if (report.FirstBreak is { } at)
                {
                    broken = true;
                    await cli.Err.WriteLineAsync(
                        $"Kasse {report.Ik}: Kette {at.Chain.ToString(CultureInfo.InvariantCulture)} gebrochen bei Eintrag {at.Seq.ToString(CultureInfo.InvariantCulture)} ({checkedText} davor in Ordnung) – {at.Error.Code}: {at.Error.Message}").ConfigureAwait(false);
                }
                else
                {
                    await cli.Out.WriteLineAsync($"Kasse {report.Ik}: OK, {checkedText} geprüft").ConfigureAwait(false);
                }
            }
            return broken ? CliApp.ExitCodes.Refused : CliApp.ExitCodes.Ok;
        }, ct));

        var before = new Option<string>("--before") { Description = "Einträge vor diesem Tag (JJJJ-MM-TT, deutsche Zeit) löschen.", Required = true };
        var pruneKasse = new Option<string?>("--kasse") { Description = "Nur bei der Kasse mit diesem Institutionskennzeichen löschen." };
        var prune = new Command("prune", "Löscht alte Protokolleinträge; der Rest bleibt prüfbar.") { before, pruneKasse };
        prune.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var text = parse.GetValue(before)!;
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                await cli.FailAsync(new Error(ErrorCodes.DateArgumentInvalid, text)).ConfigureAwait(false);
                return CliApp.ExitCodes.BadInput;
            }
            var result = await services.GetRequiredService<PruneAudit>().ExecuteAsync(day, parse.GetValue(pruneKasse), AuditContext.Cli("audit prune"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var reports, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            foreach (var report in reports)
            {
                await cli.Out.WriteLineAsync(report.Count == 0
                    ? $"Kasse {report.Ik}: keine Einträge vor dem {day.ToString("dd.MM.yyyy", ErrorTexts.German)}."
                    : $"Kasse {report.Ik}: {GermanText.Count(report.Count, "Eintrag", "Einträge")} gelöscht (Nr. {report.FromSeq.ToString(CultureInfo.InvariantCulture)} bis {report.ToSeq.ToString(CultureInfo.InvariantCulture)}).").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));

        var audit = new Command("audit", "Das Prüfprotokoll prüfen und aufräumen.");
        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(prune);
        return audit;
    }
}
