using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Insured.Import;
using Pforte.Core.Persistence;

namespace Pforte.Cli.Commands;

internal static class ImportCommands
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static Command Build(CliContext cli)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "CSV-Datei (UTF-8, Semikolon, Kopfzeile) aus dem Kernsystem." };
        var kasse = new Option<string?>("--kasse") { Description = "Institutionskennzeichen der Kasse (nötig, wenn die Installation mehrere führt)." };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Gültige Zeilen schreiben, auch wenn andere fehlerhaft sind (Exitcode bleibt 2, solange es fehlerhafte Zeilen gibt)." };
        var insured = new Command("insured", "Importiert Stammdaten von Versicherten (Upsert nach KVNR).") { file, kasse, skipInvalid };
        insured.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            var resolved = await KasseLookup.ResolveAsync(db, parse.GetValue(kasse), token).ConfigureAwait(false);
            if (!resolved.TryGetValue(out var target, out var kasseError))
            {
                return await cli.FailAsync(kasseError).ConfigureAwait(false);
            }
            var path = parse.GetValue(file)!.FullName;
            var options = new ImportOptions
            {
                SkipInvalid = parse.GetValue(skipInvalid),
                // Synchronous writes: the import calls back from its read loop, and report order must follow the file.
                OnRowError = e => cli.Out.WriteLine(e.Column.Length == 0
                    ? string.Create(German, $"Zeile {e.Line}: {e.Error.Code}: {e.Error.Message}")
                    : string.Create(German, $"Zeile {e.Line}, Spalte {e.Column}: {e.Error.Code}: {e.Error.Message}")),
                OnProgress = (phase, rows) => cli.Err.WriteLine(
                    $"{(phase == "validate" ? "Geprüft" : "Geschrieben")}: {GermanText.Count(rows, "Zeile", "Zeilen")} …"),
            };
            var result = await services.GetRequiredService<ImportInsured>()
                .ExecuteAsync(path, target.Id, options, AuditContext.Cli("import insured"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var s, out var error))
            {
                // A refused write (database said no between the passes) is not the file's fault: exit 1, not 2.
                var exit = await cli.FailAsync(error).ConfigureAwait(false);
                return error.Code == ErrorCodes.ImportWriteRefused ? exit : CliApp.ExitCodes.BadInput;
            }
            await cli.Out.WriteLineAsync(string.Create(German,
                $"Zeilen: {s.Rows:N0}, neu: {s.Created:N0}, geändert: {s.Updated:N0}, unverändert: {s.Unchanged:N0}, Karten erfasst: {s.CardsRecorded:N0}, fehlerhaft: {s.Invalid:N0}, Dauer: {GermanText.Duration(s.Elapsed)}")).ConfigureAwait(false);
            if (!s.Written)
            {
                await cli.Out.WriteLineAsync(
                    $"Nichts geschrieben: {GermanText.Count(s.Invalid, "fehlerhafte Zeile", "fehlerhafte Zeilen")}. Datei korrigieren oder mit --skip-invalid nur die gültigen Zeilen übernehmen.").ConfigureAwait(false);
                return CliApp.ExitCodes.BadInput;
            }
            return s.Invalid > 0 ? CliApp.ExitCodes.BadInput : CliApp.ExitCodes.Ok;
        }, ct));

        var import = new Command("import", "Daten aus dem Kernsystem der Kasse übernehmen.");
        import.Subcommands.Add(insured);
        return import;
    }
}
