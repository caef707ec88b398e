using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>An audit entry that is the whole write of a request (e.g. a disclosure decision: reads, then its record).</summary>
public sealed record AuditRecord(Guid KasseId, AuditContext Context, AuditEvent Event);

/// <summary>
/// For requests whose only write is their audit entry: they queue here and share transactions (group commit,
/// docs/decisions/0007-group-commit.md). The caller continues only after its entry has committed, so "every decision
/// is audited" holds exactly as with one transaction per request — an answer never leaves without its record.
/// <para>
/// On PostgreSQL a batch whose entries all belong to one chain, whose tip this process saw committed last, is appended
/// without locking first (docs/decisions/0010-postgres-decision-round-trips.md): one statement moves the head from the
/// remembered tip to the new one — only if the head still is that tip — and inserts the entries only if it did.
/// That is one round trip including the commit instead of three (lock heads, write, commit). If another writer
/// moved the chain on in between, nothing is written and the batch tries once more from the head read in the same
/// round trip; only if that misses too does it take the locking path.
/// </para>
/// </summary>
public sealed class AuditQueue : IAsyncDisposable
{
    private readonly GroupCommitQueue<AuditRecord, bool> _queue;

    /// <summary>
    /// The tips this process saw committed last, per Kasse and chain (by this queue and by every other write
    /// transaction of the process): a guess that the head is still there, which the unlocked append checks atomically.
    /// </summary>
    private readonly AuditChainTips _tips;

    public AuditQueue(IServiceScopeFactory scopes, AuditChainTips tips, ILogger<AuditQueue> logger)
    {
        _tips = tips;
        _queue = new GroupCommitQueue<AuditRecord, bool>("audit", scopes, WriteAsync, logger);
    }

    /// <summary>
    /// A batch whose commit got no answer (the connection broke after sending it): its records and the last entry it
    /// wrote per chain. The queue runs a failed batch again; if that is this batch and its entries are there, it was
    /// committed after all and is not written twice. Only the queue's single worker touches it.
    /// </summary>
    private (IReadOnlyList<AuditRecord> Records, List<(Guid Kasse, int Chain, long Seq, byte[] Hash)> Last)? _unsure;

    /// <summary>Tests only: runs right after a batch's commit, before it counts as done (to simulate a lost answer).</summary>
    internal Func<Task>? AfterCommitForTests { get; set; }

    /// <summary>How the queue's batches were written, on the Pforte meter (exported at /metrics).</summary>
    private static readonly Counter<long> Batches = PforteMetrics.Meter.CreateCounter<long>("pforte.audit_queue.batches", unit: "{batch}",
        description: "Audit-queue batches by how they were written: path=unlocked (one guarded statement) or path=locked (chain heads locked).");
    private static readonly Counter<long> Misses = PforteMetrics.Meter.CreateCounter<long>("pforte.audit_queue.misses", unit: "{attempt}",
        description: "Unlocked attempts that found the chain moved on by another writer (each costs one round trip).");

    /// <summary>Unlocked attempts per batch before the locking path takes over.</summary>
    private const int UnlockedAttempts = 2;

    /// <summary>Tests only: runs before each unlocked attempt (to move the chain on in between).</summary>
    internal Func<Task>? BeforeUnlockedAttemptForTests { get; set; }

    /// <summary>Unlocked attempts that found the chain moved on (diagnostics, tests).</summary>
    internal long UnlockedMisses { get; private set; }

    /// <summary>Batches written by the unlocked path / by the locking path (for tests and diagnostics).</summary>
    internal long UnlockedBatches { get; private set; }

    internal long LockedBatches { get; private set; }

    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default) => _queue.SubmitAsync(record, cancellationToken);

    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    private async Task<IReadOnlyList<bool>> WriteAsync(IServiceProvider services, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PforteDbContext>();
        var audit = services.GetRequiredService<AuditLog>();
        if (_unsure is { } unsure)
        {
            _unsure = null;
            if (unsure.Records.SequenceEqual(records) && await AllWrittenAsync(db, unsure.Last, cancellationToken).ConfigureAwait(false))
            {
                foreach (var (kasse, chain, seq, hash) in unsure.Last)
                {
                    _tips.Publish(kasse, chain, seq, hash);
                }
                return [.. records.Select(_ => true)];
            }
        }
        if (!db.IsSqlite && await TryWriteUnlockedAsync(db, audit, records, cancellationToken).ConfigureAwait(false))
        {
            UnlockedBatches++;
            Batches.Add(1, new KeyValuePair<string, object?>("path", "unlocked"));
            return [.. records.Select(_ => true)];
        }
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
        var tips = audit.HeldHeads().Select(h => (h.KasseId, h.Chain, h.LastSeq, h.LastHash)).ToList();
        _unsure = (records, tips);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        await AfterCommitAsync().ConfigureAwait(false);
        _unsure = null;
        LockedBatches++; // the commit published the new tips (AuditLog)
        Batches.Add(1, new KeyValuePair<string, object?>("path", "locked"));
        return [.. records.Select(_ => true)];
    }

    /// <summary>
    /// PostgreSQL, one chain: entries and new head in one statement outside an explicit transaction, from the tip this
    /// process saw last (or, if it knows none, from the head read without a lock). Each attempt also reads the head as
    /// it is afterwards, in the same round trip, so a miss — another process moved the chain on — is retried once from
    /// there. True if written; false (nothing written) if the batch spans chains or both attempts missed: then the
    /// locking path runs.
    /// </summary>
    private async Task<bool> TryWriteUnlockedAsync(PforteDbContext db, AuditLog audit, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        var kasse = records[0].KasseId;
        var chain = AuditLog.ChainFor(records[0].Event.SubjectPersonId);
        if (records.Any(r => r.KasseId != kasse || AuditLog.ChainFor(r.Event.SubjectPersonId) != chain))
        {
            return false;
        }
        (long Seq, byte[] Hash)? known = _tips.TryGet(kasse, chain, out var remembered) ? remembered : null;
        for (var attempt = 0; attempt < UnlockedAttempts; attempt++)
        {
            known ??= await ReadHeadAsync(db, kasse, chain, cancellationToken).ConfigureAwait(false);
            if (known is not { } from)
            {
                return false; // no head: the locking path reports it
            }
            if (BeforeUnlockedAttemptForTests is { } hook)
            {
                await hook().ConfigureAwait(false);
            }
            var (written, now) = await TryAppendAsync(db, audit, records, kasse, chain, from, cancellationToken).ConfigureAwait(false);
            if (written)
            {
                return true;
            }
            UnlockedMisses++;
            Misses.Add(1);
            _tips.Forget(kasse, chain, from);
            if (now is { } current)
            {
                _tips.Publish(kasse, chain, current.Seq, current.Hash);
            }
            known = now;
        }
        return false;
    }

    /// <summary>One attempt: the guarded insert, then the head as it is now — one round trip, one implicit transaction.</summary>
    private async Task<(bool Written, (long Seq, byte[] Hash)? Head)> TryAppendAsync(PforteDbContext db, AuditLog audit, IReadOnlyList<AuditRecord> records,
        Guid kasse, int chain, (long Seq, byte[] Hash) from, CancellationToken cancellationToken)
    {
        // A working copy: the published tip changes only once the entries are committed.
        var tip = new AuditChainHead { KasseId = kasse, Chain = chain, LastSeq = from.Seq, LastHash = from.Hash, AnchorHash = [] };
        foreach (var record in records)
        {
            audit.Add(kasse, chain, tip, record.Context, record.Event);
        }
        await using var batch = await WriteBatch.OutsideTransactionAsync(db, cancellationToken).ConfigureAwait(false);
        // The head moves only from the expected tip (a concurrent appender holding its lock makes this wait, then see
        // the moved head), and the entries are inserted only if it moved: all in one statement, so atomically.
        var insert = db.AddGuardedInsert<AuditEntry>(batch, "UPDATE audit_chain_heads SET last_seq = @new_seq, last_hash = @new_hash "
            + "WHERE kasse_id = @kasse AND chain = @chain AND last_seq = @seq AND last_hash = @hash RETURNING 1");
        WriteBatch.AddParameter(insert, "@new_seq", tip.LastSeq);
        WriteBatch.AddParameter(insert, "@new_hash", tip.LastHash);
        WriteBatch.AddParameter(insert, "@kasse", kasse);
        WriteBatch.AddParameter(insert, "@chain", chain);
        WriteBatch.AddParameter(insert, "@seq", from.Seq);
        WriteBatch.AddParameter(insert, "@hash", from.Hash);
        AddHeadQuery(batch, kasse, chain); // a statement of its own: it sees what is committed after the insert
        _unsure = (records, [(kasse, chain, tip.LastSeq, tip.LastHash)]);
        var head = await batch.ExecuteReaderAsync(ReadHead, cancellationToken).ConfigureAwait(false);
        var written = insert.RecordsAffected == records.Count;
        if (!written && insert.RecordsAffected != 0)
        {
            throw new InvalidOperationException($"Unlocked audit append wrote {insert.RecordsAffected} of {records.Count} entries.");
        }
        if (written)
        {
            await AfterCommitAsync().ConfigureAwait(false);
            _tips.Publish(kasse, chain, tip.LastSeq, tip.LastHash);
        }
        _unsure = null;
        return (written, head);
    }

    private static async Task<(long Seq, byte[] Hash)?> ReadHeadAsync(PforteDbContext db, Guid kasse, int chain, CancellationToken cancellationToken)
    {
        await using var batch = await WriteBatch.OutsideTransactionAsync(db, cancellationToken).ConfigureAwait(false);
        AddHeadQuery(batch, kasse, chain);
        return await batch.ExecuteReaderAsync(ReadHead, cancellationToken).ConfigureAwait(false);
    }

    private static void AddHeadQuery(WriteBatch batch, Guid kasse, int chain)
    {
        var query = batch.Add("SELECT last_seq, last_hash FROM audit_chain_heads WHERE kasse_id = @kasse AND chain = @chain", null, "Audit chain head");
        WriteBatch.AddParameter(query, "@kasse", kasse);
        WriteBatch.AddParameter(query, "@chain", chain);
    }

    private static async Task<(long Seq, byte[] Hash)?> ReadHead(System.Data.Common.DbDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : null;

    private Task AfterCommitAsync() => AfterCommitForTests?.Invoke() ?? Task.CompletedTask;

    /// <summary>Whether each of these entries (the last of a batch per chain) is stored — found by its hash.</summary>
    private static async Task<bool> AllWrittenAsync(PforteDbContext db, List<(Guid Kasse, int Chain, long Seq, byte[] Hash)> last, CancellationToken cancellationToken)
    {
        foreach (var (kasse, chain, seq, hash) in last)
        {
            if (!await db.AuditEntries.AnyAsync(e => e.KasseId == kasse && e.Chain == chain && e.Seq == seq && e.Hash == hash, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
        return true;
    }
}
