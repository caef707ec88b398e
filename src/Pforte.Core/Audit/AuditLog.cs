using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>
/// Appends to a Kasse's audit chain inside the caller's transaction, so the entry commits or rolls back with the
/// change it records. The first append of a transaction locks the chain head with one atomic UPDATE (row lock on
/// PostgreSQL, the write lock on SQLite); appenders in other processes wait, then continue from the committed tip.
/// Later appends of the same transaction continue in memory. The caller's SaveChanges writes entries and tip.
/// </summary>
public sealed class AuditLog(PforteDbContext db, TimeProvider clock)
{
    private readonly Dictionary<Guid, (IDbContextTransaction Transaction, AuditChainHead Head)> _locked = [];

    public async Task<AuditEntry> AppendAsync(Guid kasseId, AuditContext context, AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Audit entries are appended inside the transaction of the change they record.");

        if (!_locked.TryGetValue(kasseId, out var held) || !ReferenceEquals(held.Transaction, transaction))
        {
            // PostgreSQL: a no-op UPDATE takes the head row's lock until commit. SQLite: the write transaction
            // (BEGIN IMMEDIATE) already holds the database's only write lock.
            if (!db.IsSqlite)
            {
                var updated = await db.AuditChainHeads.Where(h => h.KasseId == kasseId)
                    .ExecuteUpdateAsync(s => s.SetProperty(h => h.LastSeq, h => h.LastSeq), cancellationToken).ConfigureAwait(false);
                if (updated == 0)
                {
                    throw new InvalidOperationException($"Kasse {kasseId} has no audit chain head.");
                }
            }
            var head = db.AuditChainHeads.Local.FirstOrDefault(h => h.KasseId == kasseId);
            if (head is null)
            {
                head = await db.AuditChainHeads.AsTracking().SingleAsync(h => h.KasseId == kasseId, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Tracked from an earlier transaction, so possibly stale: reload the committed tip under our lock.
                await db.Entry(head).ReloadAsync(cancellationToken).ConfigureAwait(false);
            }
            held = (transaction, head);
            _locked[kasseId] = held;
        }

        var tip = held.Head;
        var entry = new AuditEntry
        {
            KasseId = kasseId,
            Seq = tip.LastSeq + 1,
            OccurredAt = AuditHasher.Truncate(clock.GetUtcNow()),
            ActorKind = context.ActorKind,
            ActorId = context.ActorId,
            Channel = context.Channel,
            SourceIp = context.SourceIp,
            SourceCallerId = context.SourceCallerId,
            SourceCallId = context.SourceCallId,
            CorrelationId = context.CorrelationId,
            SubjectPersonId = auditEvent.SubjectPersonId,
            SubjectKvnr = auditEvent.SubjectKvnr,
            Action = auditEvent.Action,
            Outcome = auditEvent.Outcome,
            ReasonCode = auditEvent.ReasonCode,
            Details = auditEvent.Details,
            PrevHash = tip.LastHash,
            Hash = [],
        };
        entry.Hash = AuditHasher.Compute(entry);
        tip.LastSeq = entry.Seq;
        tip.LastHash = entry.Hash;
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>Every Kasse starts its chain with a head; called where the Kasse is created.</summary>
    public static AuditChainHead NewHead(Guid kasseId) => new()
    {
        KasseId = kasseId,
        LastSeq = 0,
        LastHash = AuditHasher.GenesisHash,
        FirstSeq = 1,
        AnchorHash = AuditHasher.GenesisHash,
    };
}
