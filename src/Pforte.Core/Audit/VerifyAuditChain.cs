using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>The first place where a Kasse's chain does not hold: the entry named in the sentence and the error.</summary>
public sealed record AuditChainBreak(long Seq, Error Error, int Chain = 0)
{
    public string Code => Error.Code;
}

/// <summary>Outcome for one Kasse: how many entries were checked and the first break, if any.</summary>
public sealed record AuditChainReport(Guid KasseId, string Ik, long EntriesChecked, AuditChainBreak? FirstBreak)
{
    public bool IsIntact => FirstBreak is null;
}

/// <summary>
/// Re-computes every Kasse's audit chain and names its first broken link. Entries are streamed in pages by Seq
/// (never the whole chain in memory) inside one read transaction per Kasse, so appenders running meanwhile neither
/// disturb the check nor are blocked by it (snapshot: REPEATABLE READ on PostgreSQL, a WAL read snapshot on SQLite).
/// </summary>
public sealed class VerifyAuditChain(PforteDbContext db)
{
    /// <summary>Entries per round trip: large enough to be fast, small enough to keep memory flat.</summary>
    public const int PageSize = 2000;

    public async Task<Result<IReadOnlyList<AuditChainReport>>> ExecuteAsync(string? kasseIk = null, CancellationToken cancellationToken = default)
    {
        if (!(await KasseLookup.ResolveOneOrAllAsync(db, kasseIk, cancellationToken).ConfigureAwait(false)).TryGetValue(out var kassen, out var error))
        {
            return error;
        }

        var reports = new List<AuditChainReport>(kassen.Count);
        foreach (var kasse in kassen)
        {
            reports.Add(await VerifyKasseAsync(kasse, cancellationToken).ConfigureAwait(false));
        }
        return reports;
    }

    private async Task<AuditChainReport> VerifyKasseAsync(Kasse kasse, CancellationToken cancellationToken)
    {
        await using var snapshot = await ReadSnapshot.BeginAsync(db, cancellationToken).ConfigureAwait(false);
        var heads = await db.AuditChainHeads.AsNoTracking().Where(h => h.KasseId == kasse.Id)
            .ToDictionaryAsync(h => h.Chain, cancellationToken).ConfigureAwait(false);
        var chains = await StoredAuditEntries.ChainsAsync(db, kasse.Id, cancellationToken).ConfigureAwait(false);
        long checkedEntries = 0;
        foreach (var chain in heads.Keys.Union(chains).Order())
        {
            var walker = new ChainWalker(heads.GetValueOrDefault(chain));
            long after = long.MinValue;
            while (walker.Break is null)
            {
                // Raw values, decoded strictly: a value the code cannot parse is a broken link, not an exception.
                var page = await StoredAuditEntries.PageAsync(db, kasse.Id, chain, after, PageSize, cancellationToken).ConfigureAwait(false);
                foreach (var stored in page)
                {
                    if (!walker.Step(stored))
                    {
                        break;
                    }
                }
                if (page.Count < PageSize || page[^1].Seq is not { } last)
                {
                    break;
                }
                after = last;
            }
            walker.Finish();
            checkedEntries += walker.Checked;
            if (walker.Break is { } broken)
            {
                return new AuditChainReport(kasse.Id, kasse.Ik, checkedEntries, broken with { Chain = chain });
            }
        }
        return new AuditChainReport(kasse.Id, kasse.Ik, checkedEntries, null);
    }

    /// <summary>The chain rules, one entry at a time; kept apart from the paging so that they read as a list.</summary>
    private sealed class ChainWalker(AuditChainHead? head)
    {
        private long _expectedSeq = head?.FirstSeq ?? 1;
        private byte[] _prevHash = head?.AnchorHash ?? AuditHasher.GenesisHash;
        private byte[]? _prevEntryPrevHash;
        private long _lastSeen;

        public long Checked { get; private set; }

        public AuditChainBreak? Break { get; private set; }

        public bool Step(StoredAuditEntry stored)
        {
            if (stored.Entry is not { } entry)
            {
                // A column Pforte never writes like this: the entry at this position (or the next expected one, when
                // its number itself is unreadable) was altered.
                var at = stored.Seq ?? _expectedSeq;
                Break = new AuditChainBreak(at, new Error(ErrorCodes.AuditEntryUnreadable, at, stored.UnreadableColumn!));
                return false;
            }
            if (entry.Seq < _expectedSeq)
            {
                // Below the pruned start (or a duplicate position): nothing legitimate can live there.
                return Fail(entry.Seq, ErrorCodes.AuditEntryOutOfPlace);
            }
            if (head is not null && entry.Seq > head.LastSeq)
            {
                // The head never handed out this number: appended behind the audit log's back.
                return Fail(entry.Seq, ErrorCodes.AuditEntryOutOfPlace);
            }
            if (entry.Seq > _expectedSeq)
            {
                return Fail(entry.Seq, ErrorCodes.AuditEntryMissing);
            }
            if (!entry.PrevHash.AsSpan().SequenceEqual(_prevHash))
            {
                // Two neighbours with the same predecessor: the previous entry was slipped in between them.
                var forkedSeq = _prevEntryPrevHash is not null && entry.PrevHash.AsSpan().SequenceEqual(_prevEntryPrevHash)
                    ? entry.Seq - 1
                    : entry.Seq;
                return Fail(forkedSeq, ErrorCodes.AuditEntryOutOfPlace);
            }
            if (!AuditHasher.Compute(entry).AsSpan().SequenceEqual(entry.Hash))
            {
                return Fail(entry.Seq, ErrorCodes.AuditEntryAltered);
            }
            _prevEntryPrevHash = entry.PrevHash;
            _prevHash = entry.Hash;
            _lastSeen = entry.Seq;
            _expectedSeq = entry.Seq + 1;
            Checked++;
            return true;
        }

        public void Finish()
        {
            if (Break is not null)
            {
                return;
            }
            var lastSeen = Checked == 0 ? (head?.FirstSeq ?? 1) - 1 : _lastSeen;
            if (head is null)
            {
                Break = new AuditChainBreak(lastSeen + 1, new Error(ErrorCodes.AuditTailMissing, "?", lastSeen));
            }
            else if (lastSeen < head.LastSeq)
            {
                Break = new AuditChainBreak(lastSeen + 1, new Error(ErrorCodes.AuditTailMissing, head.LastSeq, lastSeen));
            }
            else if (!_prevHash.AsSpan().SequenceEqual(head.LastHash))
            {
                // Same length but another last entry: the tail was replaced.
                Break = new AuditChainBreak(head.LastSeq, new Error(ErrorCodes.AuditTailMissing, head.LastSeq, lastSeen));
            }
        }

        private bool Fail(long seq, string code)
        {
            Break = new AuditChainBreak(seq, new Error(code, seq));
            return false;
        }
    }

    /// <summary>
    /// A read-only snapshot for the duration of one Kasse's check. On SQLite a plain EF transaction would be
    /// BEGIN IMMEDIATE and block every writer for the whole check; a deferred one only reads.
    /// </summary>
    private sealed class ReadSnapshot : IAsyncDisposable
    {
        private readonly PforteDbContext _db;
        private readonly IDbContextTransaction _transaction;
        private readonly SqliteTransaction? _sqliteTransaction;

        private ReadSnapshot(PforteDbContext db, IDbContextTransaction transaction, SqliteTransaction? sqliteTransaction)
        {
            _db = db;
            _transaction = transaction;
            _sqliteTransaction = sqliteTransaction;
        }

        public static async Task<ReadSnapshot> BeginAsync(PforteDbContext db, CancellationToken cancellationToken)
        {
            if (!db.IsSqlite)
            {
                return new ReadSnapshot(db, await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false), null);
            }
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var sqlite = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
            var transaction = await db.Database.UseTransactionAsync(sqlite, cancellationToken).ConfigureAwait(false);
            return new ReadSnapshot(db, transaction!, sqlite);
        }

        public async ValueTask DisposeAsync()
        {
            // Read only: rolling back releases the snapshot and can change nothing.
            await _transaction.RollbackAsync().ConfigureAwait(false);
            await _transaction.DisposeAsync().ConfigureAwait(false);
            if (_sqliteTransaction is not null)
            {
                await _sqliteTransaction.DisposeAsync().ConfigureAwait(false);
                await _db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
    }
}
