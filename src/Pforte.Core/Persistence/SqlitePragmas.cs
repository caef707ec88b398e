using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pforte.Core.Persistence;

/// <summary>
/// Every SQLite connection waits for a busy writer instead of failing at once (several processes — web host and
/// CLI — share the file) and enforces foreign keys. secure_delete zeroes freed bytes, so a sealed code cleared at the
/// print hand-over does not linger in the file's free space (security.md "Storage of codes").
/// WAL itself is a property of the file, set once by <see cref="DatabaseSetup"/>. In WAL mode, synchronous=NORMAL
/// syncs the log at checkpoints instead of at every commit: a committed transaction survives a crash of the process
/// (every counted attempt stays counted), only an operating-system crash or power cut can lose the last commits —
/// see docs/decisions/0006-sqlite-durability.md. Production runs on PostgreSQL, which syncs every commit.
/// wal_autocheckpoint = 500 pages (SQLite's default: 1,000): the checkpoint runs inside the commit that crosses the
/// limit, so every request of that group-commit batch waits for it; half the size each time keeps the verification
/// p99 around 20 ms instead of 23–26 ms at the same rate (250 pages: lower p99 but about 10 % less throughput) —
/// docs/benchmarks.md, ADR 0006.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = 500;";

    /// <summary>
    /// A context opens and closes its connection for every query outside a transaction; the settings live as long as
    /// the pooled native connection, so they are applied once per native handle, not per query.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Applied = [];

    private static bool AlreadyApplied(DbConnection connection)
    {
        if (connection is not Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle })
        {
            return false;
        }
        if (Applied.TryGetValue(handle, out _))
        {
            return true;
        }
        Applied.AddOrUpdate(handle, Applied);
        return false;
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (AlreadyApplied(connection))
        {
            return;
        }
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ApplyAsync(connection, cancellationToken);

    /// <summary>For connections opened without EF Core (see <see cref="PlainSql"/>).</summary>
    public static async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (AlreadyApplied(connection))
        {
            return;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
