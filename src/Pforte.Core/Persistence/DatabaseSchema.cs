using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pforte.Core.Common;

namespace Pforte.Core.Persistence;

/// <summary>
/// What a database holds before Pforte works on it, so that an empty, unmigrated, outdated or foreign database (another
/// application's SQLite file or PostgreSQL schema, or a file that is no database at all) is answered with a
/// <c>PF-DB-…</c> sentence instead of a stack trace, and a foreign one is never migrated into.
/// </summary>
public static class DatabaseSchema
{
    public enum State
    {
        /// <summary>No tables at all (a new or empty file, a new PostgreSQL database): <c>db migrate</c> sets it up.</summary>
        Empty = 1,
        Current = 2,
        /// <summary>Pforte's, with migrations still to apply.</summary>
        Outdated = 3,
    }

    /// <summary>Empty, current or outdated; any other finding (foreign, newer, not a database, unreachable) is the error.</summary>
    public static async Task<Result<(State State, int Pending)>> InspectAsync(PforteDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var name = Describe(db);
        try
        {
            var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
            var unknown = applied.Where(m => !known.Contains(m)).ToList();
            if (unknown.Count > 0)
            {
                // Some of ours plus later ones: a newer Pforte. None of ours: another application's EF migrations.
                return applied.Count > unknown.Count
                    ? new Error(ErrorCodes.DbNewer, name, string.Join(", ", unknown))
                    : new Error(ErrorCodes.DbForeign, name);
            }
            if (applied.Count == 0)
            {
                return await CountOtherTablesAsync(db, cancellationToken).ConfigureAwait(false) == 0
                    ? (State.Empty, known.Count)
                    : new Error(ErrorCodes.DbForeign, name);
            }
            var pending = known.Count - applied.Count;
            return pending == 0 ? (State.Current, 0) : (State.Outdated, pending);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 26) // SQLITE_NOTADB
        {
            return new Error(ErrorCodes.DbNotADatabase, name);
        }
        catch (DbException e)
        {
            return new Error(ErrorCodes.DbUnreachable, name, e.Message);
        }
    }

    /// <summary>The check every command but <c>db migrate</c> makes first: the schema must be Pforte's and current.</summary>
    public static async Task<Error?> EnsureCurrentAsync(PforteDbContext db, CancellationToken cancellationToken = default)
    {
        if (!(await InspectAsync(db, cancellationToken).ConfigureAwait(false)).TryGetValue(out var found, out var error))
        {
            return error;
        }
        return found.State switch
        {
            State.Current => null,
            State.Empty => new Error(ErrorCodes.DbNotMigrated, Describe(db)),
            _ => new Error(ErrorCodes.DbOutdated, Describe(db), found.Pending),
        };
    }

    /// <summary>The database as a person recognises it, without a password: the SQLite file, or PostgreSQL host and database.</summary>
    public static string Describe(PforteDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var connectionString = db.Database.GetConnectionString() ?? "";
        if (db.IsSqlite)
        {
            return new SqliteConnectionStringBuilder(connectionString).DataSource;
        }
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{csb.Database} auf {csb.Host}:{csb.Port}";
    }

    /// <summary>Tables besides EF's own bookkeeping (its history and, since EF Core 9, its migration lock).</summary>
    private static async Task<int> CountOtherTablesAsync(PforteDbContext db, CancellationToken cancellationToken)
    {
        var sql = db.IsSqlite
            ? "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_EFMigrations%' ESCAPE '\\'"
            : "SELECT count(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_\\_EFMigrations%'";
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync(cancellationToken).ConfigureAwait(false);
    }
}
