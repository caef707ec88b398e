namespace Pforte.Core.Audit;

public enum ActorKind
{
    System = 1,
    Client = 2,
    Staff = 3,
    Insured = 4,
    Operator = 5,
}

public enum AuditOutcome
{
    Success = 1,
    Failure = 2,
    Refused = 3,
    Info = 4,
}

/// <summary>
/// One record of the audit trail (domain.md §9). Append-only; each entry holds the SHA-256 of the previous entry
/// of its Kasse, so an edit, deletion, insertion or reordering breaks the chain. Never holds a secret.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public Guid KasseId { get; set; }

    /// <summary>Which of the Kasse's chains holds the entry (see <see cref="AuditLog.ChainFor"/>).</summary>
    public int Chain { get; set; }

    /// <summary>Position in its chain, gapless from 1.</summary>
    public long Seq { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public ActorKind ActorKind { get; set; }

    /// <summary>Client id, staff account, "cli:user" or "system:job".</summary>
    public required string ActorId { get; set; }

    public Guid? SubjectPersonId { get; set; }

    public string? SubjectKvnr { get; set; }

    public string? Channel { get; set; }

    public AuditAction Action { get; set; }

    public AuditOutcome Outcome { get; set; }

    public string? ReasonCode { get; set; }

    public string? SourceIp { get; set; }

    public string? SourceCallerId { get; set; }

    public string? SourceCallId { get; set; }

    public string? CorrelationId { get; set; }

    /// <summary>Short, non-secret facts (counts, changed field names) as compact JSON.</summary>
    public string? Details { get; set; }

    public required byte[] PrevHash { get; set; }

    public required byte[] Hash { get; set; }
}

/// <summary>
/// The tip of one of a Kasse's chains. Appending locks this row (one atomic UPDATE … RETURNING), which serialises
/// the appenders of that chain across processes and so keeps it from forking.
/// </summary>
public sealed class AuditChainHead
{
    public Guid KasseId { get; set; }

    public int Chain { get; set; }

    public long LastSeq { get; set; }

    public required byte[] LastHash { get; set; }

    /// <summary>Entries with a lower Seq were pruned; the chain restarts from <see cref="AnchorHash"/>.</summary>
    public long FirstSeq { get; set; } = 1;

    /// <summary>Hash of the last pruned entry (all zero before any prune): the PrevHash the first kept entry must hold.</summary>
    public required byte[] AnchorHash { get; set; }
}
