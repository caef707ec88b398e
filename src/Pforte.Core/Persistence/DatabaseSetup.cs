using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Pforte.Core.Common;

namespace Pforte.Core.Persistence;

public static class DatabaseSetup
{
    public const string SqliteMigrationsAssembly = "Pforte.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Pforte.Migrations.Postgres";

    /// <summary>Configures EF Core for the chosen provider, with its own migration set.</summary>
    public static void Configure(DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                builder.UseSqlite(PrepareSqlite(connectionString), o => o.MigrationsAssembly(SqliteMigrationsAssembly))
                    .AddInterceptors(new SqlitePragmas())
                    // SQLite cannot change a column or key in place: EF rebuilds the table (Disclosure: a foreign key on
                    // authentications; AuditChains: the key of audit_chain_heads) and switches foreign keys off and on
                    // around it with "PRAGMA foreign_keys", which SQLite ignores inside a transaction — so EF runs those
                    // two statements outside it and warns that a crash could leave the migration half applied. Here it
                    // cannot: the PRAGMA is a setting of the connection, not of the file, and everything that changes
                    // the file still runs in the migration's transaction. MigrationWarningTests checks that nothing else
                    // in Pforte's SQLite migrations runs outside the transaction, so this hides only that case.
                    .ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning));
                break;
            case DatabaseProvider.Postgres:
                builder.UseNpgsql(PreparePostgres(connectionString), o => o.MigrationsAssembly(PostgresMigrationsAssembly));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, null);
        }
    }

    public static DbContextOptions<PforteDbContext> BuildOptions(DatabaseProvider provider, string connectionString)
    {
        var builder = new DbContextOptionsBuilder<PforteDbContext>();
        Configure(builder, provider, connectionString);
        return builder.Options;
    }

    /// <summary>
    /// Pforte's defaults for PostgreSQL connections, unless the connection string sets them itself:
    /// <list type="bullet">
    /// <item><c>No Reset On Close=true</c> — a pooled connection is not reset with <c>DISCARD ALL</c> when it goes back
    /// to the pool. Pforte keeps no session state (no <c>SET</c>, no session advisory locks, no temporary tables; the
    /// daily job's lease is a row), so the reset only cost a statement per use and threw away prepared statements.</item>
    /// <item><c>Max Auto Prepare=64</c> — statements used often (the hot paths run the same few) are prepared on each
    /// connection once and then only bound and executed.</item>
    /// </list>
    /// Measured with bench/verify (docs/benchmarks.md): about 1.5 times the verification rate on PostgreSQL.
    /// </summary>
    public static string PreparePostgres(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var csb = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            csb.NoResetOnClose = true;
        }
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            csb.MaxAutoPrepare = 64;
        }
        return csb.ConnectionString;
    }

    /// <summary>
    /// Creates a missing SQLite file and its folder readable by the owner only (0600, 0700), like the key ring: the
    /// database holds personal data. SQLite gives the -wal and -shm files the mode of the database file.
    /// </summary>
    public static string PrepareSqlite(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource is { Length: > 0 } path && path != ":memory:" && csb.Mode == SqliteOpenMode.ReadWriteCreate
            && !path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var file = Path.GetFullPath(path);
            var directory = Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(directory))
            {
                DataDirectory.CreateOwnerOnly(directory);
            }
            DataDirectory.CreateOwnerOnlyFile(file);
        }
        return csb.ToString();
    }

    /// <summary>Applies pending migrations; on SQLite also switches the file to WAL (persistent, once).</summary>
    public static async Task MigrateAsync(PforteDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.IsSqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
                await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
        else
        {
            // On a new PostgreSQL database EF first reads the history table that is not there yet and logs the failed
            // SELECT as an error before it creates the table (dotnet/efcore#37328). Creating it first — the statement
            // EF runs anyway, "CREATE TABLE IF NOT EXISTS", so a no-op on a migrated database — keeps an operator's
            // first migration free of a false "fail:" line.
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken).ConfigureAwait(false);
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static Result<(DatabaseProvider Provider, string ConnectionString)> Resolve(DatabaseOptions options) => options.Resolve();
}
