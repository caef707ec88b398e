using System.Collections.Concurrent;

namespace Pforte.Core.Audit;

/// <summary>
/// The newest tip this process has seen committed, per Kasse and chain — published by every write transaction that
/// appended to a chain (<see cref="AuditLog"/>, after the commit) and by the audit queue's unlocked append. The audit
/// queue appends from it without locking (ADR 0010); it is only a guess that the database checks, so a tip that
/// another process has since moved on costs one round trip, never an entry. Sequence numbers only grow, so of two
/// publications for a chain the higher one wins whatever order they arrive in.
/// </summary>
public sealed class AuditChainTips
{
    private readonly ConcurrentDictionary<(Guid Kasse, int Chain), (long Seq, byte[] Hash)> _tips = new();

    public bool TryGet(Guid kasseId, int chain, out (long Seq, byte[] Hash) tip) => _tips.TryGetValue((kasseId, chain), out tip);

    /// <summary>
    /// The database did not have <paramref name="tried"/> as the chain's head: drop it (unless something newer was
    /// published meanwhile), so that a tip ahead of the database — after a restore or a failover that lost commits —
    /// does not cost a wasted round trip until the chain catches up with it.
    /// </summary>
    public void Forget(Guid kasseId, int chain, (long Seq, byte[] Hash) tried) =>
        _tips.TryRemove(KeyValuePair.Create((kasseId, chain), tried));

    public void Publish(Guid kasseId, int chain, long seq, byte[] hash) =>
        _tips.AddOrUpdate((kasseId, chain), (seq, hash), (_, known) => seq > known.Seq ? (seq, hash) : known);
}
