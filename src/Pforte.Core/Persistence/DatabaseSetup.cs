using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
                    .AddInterceptors(new SqlitePragmas());
                break;
            case DatabaseProvider.Postgres:
                builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly));
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

    /// <summary>Creates the folder of an SQLite file (./data/ on a fresh clone).</summary>
    public static string PrepareSqlite(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource is { Length: > 0 } path && path != ":memory:" && csb.Mode != SqliteOpenMode.Memory)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
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
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static Result<(DatabaseProvider Provider, string ConnectionString)> Resolve(DatabaseOptions options) => options.Resolve();
}
