using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pforte.Core.Persistence;

/// <summary>
/// A write transaction. On SQLite, writers of one process queue on an async gate before <c>BEGIN IMMEDIATE</c>:
/// SQLite admits one writer at a time, and its busy handler makes the others sleep and retry with growing pauses,
/// which under load turns milliseconds into seconds. Queuing in-process keeps the write lock busy without idle gaps;
/// other processes (the CLI next to the web host) still meet the busy timeout. On PostgreSQL there is no gate: row
/// locks serialise exactly what conflicts.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private readonly IDbContextTransaction _transaction;
    private readonly PforteDbContext _db;
    private SemaphoreSlim? _gate;
    private List<Action>? _committed;

    private WriteTransaction(PforteDbContext db, IDbContextTransaction transaction, SemaphoreSlim? gate)
    {
        _db = db;
        _transaction = transaction;
        _gate = gate;
    }

    /// <summary>The EF Core transaction this wraps.</summary>
    internal IDbContextTransaction Transaction => _transaction;

    /// <summary>Runs <paramref name="action"/> once this transaction has committed (not on rollback).</summary>
    internal void OnCommitted(Action action) => (_committed ??= []).Add(action);

    internal static async Task<WriteTransaction> BeginAsync(PforteDbContext db, CancellationToken cancellationToken)
    {
        SemaphoreSlim? gate = null;
        if (db.IsSqlite)
        {
            gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            var write = new WriteTransaction(db, await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false), gate);
            db.CurrentWrite = write;
            return write;
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Release();
        if (Interlocked.Exchange(ref _committed, null) is { } actions)
        {
            foreach (var action in actions)
            {
                action();
            }
        }
    }

    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        _committed = null;
        await _transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        Release();
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync().ConfigureAwait(false);
        Release();
    }

    private void Release()
    {
        if (ReferenceEquals(_db.CurrentWrite, this))
        {
            _db.CurrentWrite = null;
        }
        Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
