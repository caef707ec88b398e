using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>An audit entry that is the whole write of a request (e.g. a disclosure decision: reads, then its record).</summary>
public sealed record AuditRecord(Guid KasseId, AuditContext Context, AuditEvent Event);

/// <summary>
/// For requests whose only write is their audit entry: they queue here and share transactions (group commit,
/// docs/decisions/0007-group-commit.md). The caller continues only after its entry has committed, so "every decision
/// is audited" holds exactly as with one transaction per request — an answer never leaves without its record.
/// </summary>
public sealed class AuditQueue(IServiceScopeFactory scopes, ILogger<AuditQueue> logger) : IAsyncDisposable
{
    private readonly GroupCommitQueue<AuditRecord, bool> _queue = new("audit", scopes, WriteAsync, logger);

    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default) => _queue.SubmitAsync(record, cancellationToken);

    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    private static async Task<IReadOnlyList<bool>> WriteAsync(IServiceProvider services, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PforteDbContext>();
        var audit = services.GetRequiredService<AuditLog>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        foreach (var kasse in records.GroupBy(r => r.KasseId))
        {
            await audit.LockChainsAsync(kasse.Key, kasse.Select(r => AuditLog.ChainFor(r.Event.SubjectPersonId)), cancellationToken).ConfigureAwait(false);
        }
        foreach (var record in records)
        {
            await audit.AppendAsync(record.KasseId, record.Context, record.Event, cancellationToken).ConfigureAwait(false);
        }
        await using var writes = WriteBatch.For(db); // PostgreSQL: entries and chain heads in one round trip
        await db.FlushAddedAsync<AuditEntry>(writes, cancellationToken).ConfigureAwait(false);
        await audit.FlushHeadsAsync(writes, cancellationToken).ConfigureAwait(false);
        if (writes is not null)
        {
            await writes.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return [.. records.Select(_ => true)];
    }
}
