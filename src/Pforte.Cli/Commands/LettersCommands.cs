using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;

namespace Pforte.Cli.Commands;

internal static class LettersCommands
{
    /// <summary>Test-only: when set to 1, the export exits hard after its files are durable and before its commit.</summary>
    public const string CrashAfterWriteVariable = "PFORTE_TEST_EXPORT_CRASH_AFTER_WRITE";

    public static Command Build(CliContext cli)
    {
        var kindArgument = new Argument<string>("KIND") { Description = "Briefart: " + string.Join(", ", LetterKinds.All) + "." };
        var outFile = new Option<string>("--out") { Description = "Zieldatei (PDF).", Required = true };
        var sample = new Command("sample", "Erzeugt einen Musterbrief der Briefart mit Beispieldaten (nie mit einem echten Code).") { kindArgument, outFile };
        sample.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var kind = parse.GetValue(kindArgument)!;
            var sampler = new RenderLetterSample(services.GetRequiredService<ILetterRenderer>(), services.GetRequiredService<TimeProvider>());
            var path = Path.GetFullPath(parse.GetValue(outFile)!);
            using var pdf = new MemoryStream();
            if (!sampler.Render(kind, pdf).TryGetValue(out _, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await File.WriteAllBytesAsync(path, pdf.ToArray(), token).ConfigureAwait(false);
            await cli.Out.WriteLineAsync($"Musterbrief {kind}: {path}").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct, DatabaseNeed.None));

        var outDir = new Option<string>("--out") { Description = "Verzeichnis für die Druckstapel (z. B. der Übergabeordner der Druckerei).", Required = true };
        var kindOption = new Option<string?>("--kind") { Description = "Nur diese Briefart." };
        var max = new Option<int?>("--max") { Description = "Höchstens so viele Briefe in diesem Lauf." };
        var batchSize = new Option<int?>("--batch-size") { Description = $"Höchstens so viele Briefe je Stapelordner (Standard {GermanText.Number(ExportLetters.DefaultBatchSize)}); mehr fällige Briefe ergeben mehrere Stapel." };
        var kasseOption = new Option<string?>("--kasse") { Description = "Nur die Briefe der Kasse mit diesem Institutionskennzeichen (sonst jede Kasse, in eigenen Stapeln)." };
        var export = new Command("export", "Übergibt fällige Briefe an die Druckerei: je Kasse eigene Stapelordner mit PDF-Dateien und manifest.csv; danach sind die Codes gelöscht und gültig.") { outDir, kindOption, max, batchSize, kasseOption };
        export.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var exporter = services.GetRequiredService<ExportLetters>();
            if (Environment.GetEnvironmentVariable(CrashAfterWriteVariable) == "1")
            {
                // Simulates kill -9 between "files durable" and "commit" for the crash-safety test.
                exporter.AfterFilesWritten = _ =>
                {
                    Environment.Exit(137);
                    return Task.CompletedTask;
                };
            }
            var lastReport = 0;
            var progress = new SynchronousProgress<ExportProgress>(p =>
            {
                if (p.LettersWritten - lastReport >= 10_000 || p.LettersWritten == p.LettersTotal)
                {
                    lastReport = p.LettersWritten;
                    cli.Err.WriteLine($"… {GermanText.Number(p.LettersWritten)} von {GermanText.Count(p.LettersTotal, "Brief", "Briefen")} geschrieben ({GermanText.Count(p.Files, "Datei", "Dateien")})");
                }
            });
            var result = await exporter.ExecuteAsync(new ExportLettersRequest(parse.GetValue(outDir)!, parse.GetValue(kindOption), parse.GetValue(max), parse.GetValue(batchSize) ?? ExportLetters.DefaultBatchSize, parse.GetValue(kasseOption)),
                AuditContext.Cli("letters export"), progress, token).ConfigureAwait(false);
            if (!result.TryGetValue(out var r, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            if (r.RecoveredBatches + r.DiscardedPartials > 0)
            {
                await cli.Out.WriteLineAsync($"Nach einem Abbruch: {r.RecoveredBatches} übergebene Stapel fertiggestellt, {r.DiscardedPartials} nicht übergebene Teilstapel verworfen (deren Briefe sind wieder fällig).").ConfigureAwait(false);
            }
            foreach (var b in r.Batches)
            {
                await cli.Out.WriteLineAsync($"Stapel {b.BatchId} (Kasse {b.KasseIk}): {LetterCounts.InFiles(b.Letters, b.Files)}, {GermanText.Count(b.Pages, "Seite", "Seiten")} → {b.Folder}").ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync(r.Batches.Count == 0 ? "Keine fälligen Briefe." : "Übergeben: " + LetterCounts.Summary(r) + ".").ConfigureAwait(false);
            if (r.CancelledWithoutCode > 0)
            {
                // Only once, for letters an earlier version left queued without their code; newer ones are cancelled when superseded.
                await cli.Out.WriteLineAsync($"{GermanText.Count(r.CancelledWithoutCode, "Code-Brief", "Code-Briefe")} ohne Code storniert (Code vor dem Druck ersetzt oder gelöscht; im Prüfprotokoll vermerkt).").ConfigureAwait(false);
            }
            if (r.HeldUndeliverable > 0)
            {
                await cli.Out.WriteLineAsync($"{GermanText.Count(r.HeldUndeliverable, "Brief", "Briefe")} zurückgehalten: die Anschrift ist unzustellbar, bis sie sich ändert.").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));

        var batchArgument = new Argument<string>("BATCH_ID") { Description = "ID des verlorenen Druckstapels." };
        var reissue = new Command("reissue-batch", "Ein Druckstapel ging verloren: sperrt dessen Codes und schickt neue Codes in neuen Briefen.") { batchArgument };
        reissue.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var text = parse.GetValue(batchArgument)!;
            if (!Guid.TryParse(text, out var batchId))
            {
                return await cli.FailAsync(new Error(ErrorCodes.LetterBatchNotFound)).ConfigureAwait(false);
            }
            var result = await services.GetRequiredService<ReissueLostBatch>().ExecuteAsync(batchId, AuditContext.Cli("letters reissue-batch"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var r, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Stapel {r.BatchId}: {GermanText.Count(r.CodeLetters, "Code-Brief", "Code-Briefe")}, {GermanText.Count(r.Reissued, "Code", "Codes")} gesperrt und neu ausgegeben, {GermanText.Number(r.Skipped)} nicht nötig (Code inzwischen ersetzt, gelöscht oder Person nicht mehr berechtigt), {GermanText.Count(r.Resent, "Brief", "Briefe")} ohne Code erneut verschickt.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));

        var letterArgument = new Argument<string>("LETTER_ID") { Description = "Brief-ID (steht im Brief unter „Unser Zeichen“)." };
        var returned = new Command("returned", "Vermerkt einen Brief als unzustellbar zurückgekommen; ein Code darin wird gesperrt.") { letterArgument };
        returned.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var text = parse.GetValue(letterArgument)!;
            if (!Guid.TryParse(text, out var letterId))
            {
                return await cli.FailAsync(new Error(ErrorCodes.LetterIdInvalid, text)).ConfigureAwait(false);
            }
            var result = await services.GetRequiredService<MarkLetterReturned>().ExecuteAsync(null, letterId, AuditContext.Cli("letters returned"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var r, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync(r.AlreadyMarked
                ? $"Brief {r.LetterId:N} war bereits als unzustellbar vermerkt."
                : $"Brief {r.LetterId:N} ({r.Kind}) als unzustellbar vermerkt{(r.CodeBlocked ? "; der Code ist gesperrt" : "")}. Weitere Briefe an diese Anschrift werden zurückgehalten, bis sie sich ändert.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));

        var letters = new Command("letters", "Briefe: Muster, Übergabe an die Druckerei, Rückläufer.");
        letters.Subcommands.Add(sample);
        letters.Subcommands.Add(export);
        letters.Subcommands.Add(reissue);
        letters.Subcommands.Add(returned);
        return letters;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
