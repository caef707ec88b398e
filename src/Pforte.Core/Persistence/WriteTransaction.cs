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
    private SemaphoreSlim? _gate;

    private WriteTransaction(IDbContextTransaction transaction, SemaphoreSlim? gate)
    {
        _transaction = transaction;
        _gate = gate;
    }

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
            return new WriteTransaction(await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false), gate);
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
    }

    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        await _transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        Release();
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync().ConfigureAwait(false);
        Release();
    }

    private void Release() => Interlocked.Exchange(ref _gate, null)?.Release();
}
