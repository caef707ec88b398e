using System.Globalization;
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
public sealed class AuditLog(PforteDbContext db, TimeProvider clock, AuditChainTips? tips = null)
{
    /// <summary>
    /// Chains per Kasse. Entries about a person always go to the same chain (their order stays one sequence);
    /// entries about no person go to chain 0. Several chains let appenders for different persons commit in
    /// parallel instead of queuing on one head row (docs/decisions/0001-audit-chain-per-kasse.md). Never lower it.
    /// </summary>
    public const int Chains = 16;

    private readonly Dictionary<(Guid Kasse, int Chain), (IDbContextTransaction Transaction, AuditChainHead Head)> _locked = [];
    private IDbContextTransaction? _publishing;

    public static int ChainFor(Guid? subjectPersonId)
    {
        if (subjectPersonId is not { } person)
        {
            return 0;
        }
        Span<byte> bytes = stackalloc byte[16];
        person.TryWriteBytes(bytes, bigEndian: true, out _);
        // The last bytes of a version-7 GUID are random; the first ones are a timestamp.
        return 1 + (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]) % (Chains - 1));
    }

    /// <summary>
    /// Locks chain heads of a Kasse for the caller's transaction in one statement, in chain order, and reads their
    /// committed tips. A transaction that appends to several chains (a batch of attempts about many persons) takes
    /// them all at once, in the same order as every other such transaction, so that two of them never wait for each
    /// other. On PostgreSQL the row locks are held to commit; on SQLite the write transaction (BEGIN IMMEDIATE)
    /// already holds the only write lock. Every appender of the chain queues here, so this is a late step.
    /// </summary>
    public async Task LockChainsAsync(Guid kasseId, IEnumerable<int> chains, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chains);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Audit entries are appended inside the transaction of the change they record.");
        var wanted = chains.Distinct()
            .Where(c => !(_locked.TryGetValue((kasseId, c), out var held) && ReferenceEquals(held.Transaction, transaction)))
            .Order().ToArray();
        if (wanted.Length == 0)
        {
            return;
        }
        // A head tracked from an earlier transaction may be stale: forget it and read the committed tip.
        foreach (var stale in db.AuditChainHeads.Local.Where(h => h.KasseId == kasseId && wanted.Contains(h.Chain)).ToList())
        {
            db.Entry(stale).State = EntityState.Detached;
        }
        var heads = await ReadHeadsAsync(kasseId, wanted, cancellationToken).ConfigureAwait(false);
        if (heads.Count != wanted.Length)
        {
            throw new InvalidOperationException($"Kasse {kasseId} lacks audit chain heads among {string.Join(',', wanted)}.");
        }
        foreach (var head in heads)
        {
            db.AuditChainHeads.Attach(head); // tracked: the caller's SaveChanges writes the new tip
            _locked[(kasseId, head.Chain)] = (transaction, head);
        }
        if (tips is not null && db.CurrentWrite is { } write && ReferenceEquals(write.Transaction, transaction) && !ReferenceEquals(_publishing, transaction))
        {
            // Once committed, the tips this transaction leaves are this process's best guess for the unlocked append.
            _publishing = transaction;
            write.OnCommitted(() =>
            {
                foreach (var head in HeldHeads(transaction))
                {
                    tips.Publish(head.KasseId, head.Chain, head.LastSeq, head.LastHash);
                }
            });
        }
    }

    /// <summary>The chain heads this transaction holds locked, with the tips its appends moved them to.</summary>
    internal IEnumerable<AuditChainHead> HeldHeads() => HeldHeads(db.Database.CurrentTransaction);

    private List<AuditChainHead> HeldHeads(IDbContextTransaction? transaction) =>
        _locked.Values.Where(held => ReferenceEquals(held.Transaction, transaction)).Select(held => held.Head).ToList();

    /// <summary>
    /// Writes the new tips of the chains this transaction appended to, with plain statements, and marks them saved —
    /// for hot paths that write their entries with <see cref="BulkInsert"/> and need no SaveChanges of their own.
    /// One statement per Kasse for all its changed chains. On PostgreSQL the statements go into
    /// <paramref name="into"/> when one is given (sent with the transaction's other last writes).
    /// </summary>
    public Task FlushHeadsAsync(CancellationToken cancellationToken = default) => FlushHeadsAsync(null, cancellationToken);

    internal async Task FlushHeadsAsync(WriteBatch? into, CancellationToken cancellationToken = default)
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Audit entries are appended inside the transaction of the change they record.");
        var changed = _locked.Values
            .Where(held => ReferenceEquals(held.Transaction, transaction) && db.Entry(held.Head).Property(h => h.LastSeq).OriginalValue != held.Head.LastSeq)
            .Select(held => held.Head).ToList();
        if (changed.Count == 0)
        {
            return;
        }
        if (db.IsSqlite)
        {
            await UpdateHeadsSqliteAsync(transaction.GetDbTransaction(), changed, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var own = into is null ? WriteBatch.For(db) : null;
            foreach (var kasseHeads in changed.GroupBy(h => h.KasseId))
            {
                // Arrays unnested into rows: one statement text for any number of chains, prepared once per connection.
                var command = (into ?? own!).Add("UPDATE audit_chain_heads SET last_seq = v.s, last_hash = v.h FROM unnest(@c, @s, @h) AS v(c, s, h) "
                    + "WHERE audit_chain_heads.kasse_id = @kasse AND audit_chain_heads.chain = v.c", kasseHeads.Count(), $"Audit chain heads of Kasse {kasseHeads.Key}");
                WriteBatch.AddParameter(command, "@kasse", kasseHeads.Key);
                WriteBatch.AddParameter(command, "@c", kasseHeads.Select(h => h.Chain).ToArray());
                WriteBatch.AddParameter(command, "@s", kasseHeads.Select(h => h.LastSeq).ToArray());
                WriteBatch.AddParameter(command, "@h", kasseHeads.Select(h => h.LastHash).ToArray());
            }
            if (own is not null)
            {
                await own.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        foreach (var head in changed)
        {
            // Saved (or in the batch that must run before the commit): SaveChanges must not write it again.
            var entry = db.Entry(head);
            entry.OriginalValues.SetValues(entry.CurrentValues);
            entry.State = EntityState.Unchanged;
        }
    }

    private async Task UpdateHeadsSqliteAsync(System.Data.Common.DbTransaction dbTransaction, List<AuditChainHead> changed, CancellationToken cancellationToken)
    {
        var mapping = db.Model.FindEntityType(typeof(AuditChainHead))!;
        var kasse = mapping.FindProperty(nameof(AuditChainHead.KasseId))!.GetRelationalTypeMapping();
        var hash = mapping.FindProperty(nameof(AuditChainHead.LastHash))!.GetRelationalTypeMapping();
        foreach (var kasseHeads in changed.GroupBy(h => h.KasseId))
        {
            await using var command = dbTransaction.Connection!.CreateCommand();
            command.Transaction = dbTransaction;
            command.Parameters.Add(kasse.CreateParameter(command, "@kasse", kasseHeads.Key));
            var rows = new List<string>();
            var i = 0;
            foreach (var head in kasseHeads)
            {
                var n = i++.ToString(CultureInfo.InvariantCulture);
                var chain = command.CreateParameter();
                chain.ParameterName = "@c" + n;
                chain.Value = head.Chain;
                command.Parameters.Add(chain);
                var seq = command.CreateParameter();
                seq.ParameterName = "@s" + n;
                seq.Value = head.LastSeq;
                command.Parameters.Add(seq);
                command.Parameters.Add(hash.CreateParameter(command, "@h" + n, head.LastHash));
                rows.Add($"(@c{n}, @s{n}, @h{n})");
            }
            command.CommandText = "UPDATE audit_chain_heads SET last_seq = v.column2, last_hash = v.column3 FROM (VALUES "
                + string.Join(", ", rows) + ") AS v WHERE audit_chain_heads.kasse_id = @kasse AND audit_chain_heads.chain = v.column1";
            var updated = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (updated != kasseHeads.Count())
            {
                throw new InvalidOperationException($"Updated {updated} of {kasseHeads.Count()} audit chain heads of Kasse {kasseHeads.Key}.");
            }
        }
    }

    /// <summary>
    /// One plain statement (it runs for every audited write; as an EF query with a parameter list it cost several
    /// times as much), in the caller's transaction. PostgreSQL locks the rows in chain order with <c>FOR UPDATE</c>.
    /// </summary>
    private async Task<List<AuditChainHead>> ReadHeadsAsync(Guid kasseId, int[] chains, CancellationToken cancellationToken)
    {
        var heads = new List<AuditChainHead>(chains.Length);
        var sql = await PlainSql.CreateAsync(db, "", cancellationToken).ConfigureAwait(false);
        await using (sql.ConfigureAwait(false))
        {
            sql.With<AuditChainHead>("@kasse", nameof(AuditChainHead.KasseId), kasseId);
            var wanted = sql.InList<AuditChainHead>("chain", "@c", nameof(AuditChainHead.Chain), [.. chains.Select(c => (object?)c)]);
            sql.Command.CommandText = "SELECT chain, last_seq, last_hash, first_seq, anchor_hash FROM audit_chain_heads "
                + $"WHERE kasse_id = @kasse AND {wanted} ORDER BY chain" + (db.IsSqlite ? "" : " FOR UPDATE");
            var reader = await sql.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    heads.Add(new AuditChainHead
                    {
                        KasseId = kasseId,
                        Chain = reader.GetInt32(0),
                        LastSeq = reader.GetInt64(1),
                        LastHash = (byte[])reader.GetValue(2),
                        FirstSeq = reader.GetInt64(3),
                        AnchorHash = (byte[])reader.GetValue(4),
                    });
                }
            }
        }
        return heads;
    }

    public async Task<AuditEntry> AppendAsync(Guid kasseId, AuditContext context, AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Audit entries are appended inside the transaction of the change they record.");

        var chain = ChainFor(auditEvent.SubjectPersonId);
        if (!_locked.TryGetValue((kasseId, chain), out var held) || !ReferenceEquals(held.Transaction, transaction))
        {
            await LockChainsAsync(kasseId, [chain], cancellationToken).ConfigureAwait(false);
            held = _locked[(kasseId, chain)];
        }

        return Add(kasseId, chain, held.Head, context, auditEvent);
    }

    /// <summary>
    /// The entry that follows <paramref name="tip"/> in its chain, added to the context; the tip moves on to it.
    /// The caller must own the tip: locked by this transaction, or checked and swapped atomically when the entries
    /// are written (<see cref="AuditQueue"/>'s unlocked path).
    /// </summary>
    internal AuditEntry Add(Guid kasseId, int chain, AuditChainHead tip, AuditContext context, AuditEvent auditEvent)
    {
        var entry = new AuditEntry
        {
            KasseId = kasseId,
            Chain = chain,
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

    /// <summary>Every Kasse starts its chains with their heads; called where the Kasse is created.</summary>
    public static IEnumerable<AuditChainHead> NewHeads(Guid kasseId) => Enumerable.Range(0, Chains).Select(chain => NewHead(kasseId, chain));

    public static AuditChainHead NewHead(Guid kasseId, int chain) => new()
    {
        KasseId = kasseId,
        Chain = chain,
        LastSeq = 0,
        LastHash = AuditHasher.GenesisHash,
        FirstSeq = 1,
        AnchorHash = AuditHasher.GenesisHash,
    };
}
