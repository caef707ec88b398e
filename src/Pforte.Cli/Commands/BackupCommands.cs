using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Common;
using Pforte.Core.Common.Keys;
using Pforte.Core.Persistence;

namespace Pforte.Cli.Commands;

/// <summary><c>pforte backup create|restore|keys</c> (docs/backup.md).</summary>
internal static class BackupCommands
{
    public static Command Build(CliContext cli)
    {
        var to = new Option<string>("--to") { Description = "Verzeichnis, in das die Sicherung geschrieben wird (wird mit Rechten 0700 angelegt).", Required = true };
        var create = new Command("create", "Sichert die Datenbank im laufenden Betrieb (SQLite: Online-Backup, PostgreSQL: pg_dump). Der Schlüsselbund gehört NICHT dazu: getrennt sichern mit „backup keys“.") { to };
        create.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            if (!(await services.GetRequiredService<DatabaseBackup>().CreateAsync(parse.GetValue(to), token).ConfigureAwait(false)).TryGetValue(out var file, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Sicherung ({file.Provider}) geschrieben: {file.Path} ({GermanText.Number(file.Bytes)} Bytes).").ConfigureAwait(false);
            if (services.GetRequiredService<IKeyStore>() is IHsmKeyStore hsm)
            {
                await cli.Out.WriteLineAsync(new Error(ErrorCodes.KeysInHsmNoKeyRingBackup, hsm.TokenLabel).Message).ConfigureAwait(false);
            }
            else
            {
                await cli.Out.WriteLineAsync("Den Schlüsselbund getrennt sichern und getrennt aufbewahren: pforte backup keys --to DATEI").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));

        var from = new Argument<string>("FILE") { Description = "Die Sicherungsdatei (pforte-….db oder pforte-….dump)." };
        var replace = new Option<bool>("--replace") { Description = "Eine Datenbank mit Daten ersetzen (vorher den Webhost anhalten)." };
        var restore = new Command("restore", "Spielt eine Sicherung in die konfigurierte Datenbank ein; danach „pforte db migrate“ und „pforte audit verify“.") { from, replace };
        restore.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            if (!(await services.GetRequiredService<DatabaseBackup>().RestoreAsync(parse.GetValue(from), parse.GetValue(replace), token).ConfigureAwait(false)).TryGetValue(out var file, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Sicherung ({file.Provider}) eingespielt: {file.Path}. Jetzt: pforte db migrate, dann pforte audit verify.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct, DatabaseNeed.None));

        var keysTo = new Option<string>("--to") { Description = "Zieldatei der Schlüsselsicherung (wird nie überschrieben, Rechte 0600).", Required = true };
        var keys = new Command("keys", "Sichert den Schlüsselbund in eine eigene Datei — getrennt von den Datenbanksicherungen aufbewahren.") { keysTo };
        keys.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            if (!(await services.GetRequiredService<DatabaseBackup>().BackupKeyRingAsync(parse.GetValue(keysTo), token).ConfigureAwait(false)).TryGetValue(out var file, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Schlüsselbund gesichert: {file.Path}.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct, DatabaseNeed.None));

        var backup = new Command("backup", "Datenbank und Schlüsselbund sichern und wiederherstellen.");
        backup.Subcommands.Add(create);
        backup.Subcommands.Add(restore);
        backup.Subcommands.Add(keys);
        return backup;
    }
}
