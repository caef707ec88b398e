using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pforte.Core.Persistence;

/// <summary>
/// The last writes of a PostgreSQL transaction that need nothing back but their row counts — a group commit's audit
/// entries, authentications, counter updates and chain heads — sent together as one batch, i.e. in one round trip
/// instead of one per statement (docs/decisions/0007-group-commit.md). A statement that changes another number of
/// rows than it must fails the batch, and with it the transaction. The batch must run before the commit; if it is
/// not run, the transaction is incomplete and must be rolled back (which every caller's scope does on failure).
/// SQLite has no round trips to save: there the writers run their statements at once and take no batch.
/// </summary>
internal sealed class WriteBatch : IAsyncDisposable
{
    private readonly DbBatch _batch;
    private readonly List<(DbBatchCommand Command, int? ExpectedRows, string What, bool Retryable)> _commands = [];

    private WriteBatch(DbBatch batch) => _batch = batch;

    /// <summary>A batch on the context's PostgreSQL transaction; <c>null</c> on SQLite.</summary>
    public static WriteBatch? For(PforteDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.IsSqlite)
        {
            return null;
        }
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A write batch belongs to the transaction of the change it writes.");
        var batch = transaction.Connection!.CreateBatch();
        batch.Transaction = transaction;
        return new WriteBatch(batch);
    }

    /// <summary>
    /// A batch outside any transaction, on the context's (opened) PostgreSQL connection. Its statements are sent with
    /// one Sync, so PostgreSQL runs them as one implicit transaction that commits when the last one has run — the
    /// commit costs no round trip of its own. For writes whose statements are complete and atomic in themselves.
    /// </summary>
    public static async Task<WriteBatch> OutsideTransactionAsync(PforteDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.IsSqlite || db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A batch outside a transaction is for PostgreSQL, with no transaction open.");
        }
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return new WriteBatch(db.Database.GetDbConnection().CreateBatch());
    }

    public int Count => _commands.Count;

    /// <summary>
    /// Adds a statement; <paramref name="expectedRows"/>, if given, is the row count it must report. A mismatch is a bug
    /// (<see cref="InvalidOperationException"/>) — or, with <paramref name="retryable"/>, a row someone else changed
    /// first (<see cref="DbUpdateConcurrencyException"/>: the group commit runs the batch again).
    /// </summary>
    public DbBatchCommand Add(string sql, int? expectedRows, string what, bool retryable = false)
    {
        var command = _batch.CreateBatchCommand();
        command.CommandText = sql;
        _batch.BatchCommands.Add(command);
        _commands.Add((command, expectedRows, what, retryable));
        return command;
    }

    public static void AddParameter(DbBatchCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Sends every statement added so far in one round trip and checks their row counts.</summary>
    public async Task ExecuteAsync(CancellationToken cancellationToken = default)
    {
        if (_commands.Count == 0)
        {
            return;
        }
        await _batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        CheckAndClear();
    }

    private void CheckAndClear()
    {
        foreach (var (command, expected, what, retryable) in _commands)
        {
            if (expected is { } rows && command.RecordsAffected != rows)
            {
                var message = $"{what}: {command.RecordsAffected} rows changed instead of {rows}.";
                throw retryable ? new DbUpdateConcurrencyException(message) : new InvalidOperationException(message);
            }
        }
        _commands.Clear();
        _batch.BatchCommands.Clear();
    }

    /// <summary>
    /// As <see cref="ExecuteAsync"/>, for batches with queries: <paramref name="read"/> gets the reader (result sets in
    /// statement order; statements without rows have none) before the row counts are checked.
    /// </summary>
    public async Task<T> ExecuteReaderAsync<T>(Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        T result;
        var reader = await _batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            result = await read(reader, cancellationToken).ConfigureAwait(false);
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }
        CheckAndClear();
        return result;
    }

    public ValueTask DisposeAsync() => _batch.DisposeAsync();
}
