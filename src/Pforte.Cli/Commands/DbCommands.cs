using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Cli.Commands;

internal static class DbCommands
{
    public static Command Build(CliContext cli)
    {
        var migrate = new Command("migrate", "Bringt das Datenbankschema auf den neuesten Stand (SQLite oder PostgreSQL, je nach Konfiguration).");
        migrate.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            // A foreign database (another application's tables), a newer Pforte's or a file that is no database is left alone.
            if (!(await DatabaseSchema.InspectAsync(db, token).ConfigureAwait(false)).TryGetValue(out _, out var refused))
            {
                return await cli.FailAsync(refused).ConfigureAwait(false);
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(token).ConfigureAwait(false)).ToList();
            await DatabaseSetup.MigrateAsync(db, token).ConfigureAwait(false);
            await cli.Out.WriteLineAsync(pending.Count == 0
                ? "Datenbank ist aktuell; keine Migration nötig."
                : $"{GermanText.Count(pending.Count, "Migration", "Migrationen")} angewendet: {string.Join(", ", pending)}").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct, DatabaseNeed.None));

        var db = new Command("db", "Datenbank verwalten.");
        db.Subcommands.Add(migrate);
        return db;
    }
}
