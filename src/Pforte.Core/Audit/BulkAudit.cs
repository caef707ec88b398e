using NpgsqlTypes;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>
/// Audit entries for bulk writers (the roll-out issues and hands over hundreds of thousands of codes): appended through
/// <see cref="AuditLog"/> like every entry — same chain lock, sequence and hash — but then taken out of the change
/// tracker and inserted with <see cref="BulkInsert"/> in the same transaction. The caller's SaveChanges still writes
/// the chain heads, so the entries and the tip commit together.
/// </summary>
internal static class BulkAudit
{
    private static readonly BulkColumn<AuditEntry>[] Columns =
    [
        new("kasse_id", NpgsqlDbType.Uuid, e => e.KasseId),
        new("chain", NpgsqlDbType.Integer, e => e.Chain),
        new("seq", NpgsqlDbType.Bigint, e => e.Seq),
        new("occurred_at", NpgsqlDbType.TimestampTz, e => e.OccurredAt),
        new("actor_kind", NpgsqlDbType.Varchar, e => e.ActorKind.ToString()),
        new("actor_id", NpgsqlDbType.Varchar, e => e.ActorId),
        new("subject_person_id", NpgsqlDbType.Uuid, e => e.SubjectPersonId),
        new("subject_kvnr", NpgsqlDbType.Varchar, e => e.SubjectKvnr),
        new("channel", NpgsqlDbType.Varchar, e => e.Channel),
        new("action", NpgsqlDbType.Integer, e => (int)e.Action),
        new("outcome", NpgsqlDbType.Varchar, e => e.Outcome.ToString()),
        new("reason_code", NpgsqlDbType.Varchar, e => e.ReasonCode),
        new("source_ip", NpgsqlDbType.Varchar, e => e.SourceIp),
        new("source_caller_id", NpgsqlDbType.Varchar, e => e.SourceCallerId),
        new("source_call_id", NpgsqlDbType.Varchar, e => e.SourceCallId),
        new("correlation_id", NpgsqlDbType.Varchar, e => e.CorrelationId),
        new("details", NpgsqlDbType.Varchar, e => e.Details),
        new("prev_hash", NpgsqlDbType.Bytea, e => e.PrevHash),
        new("hash", NpgsqlDbType.Bytea, e => e.Hash),
    ];

    /// <summary>Appends the events to their chains, in order, and returns the entries for <see cref="WriteAsync"/> instead of SaveChanges.</summary>
    public static async Task<List<AuditEntry>> AppendAsync(PforteDbContext db, AuditLog audit, AuditContext context, IReadOnlyList<(Guid KasseId, AuditEvent Event)> events, CancellationToken ct)
    {
        var entries = new List<AuditEntry>(events.Count);
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        // Taking an entry out of the tracker would otherwise scan the tracked entities each time.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var (kasseId, auditEvent) in events)
            {
                var entry = await audit.AppendAsync(kasseId, context, auditEvent, ct).ConfigureAwait(false);
                db.Entry(entry).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
                entries.Add(entry);
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
        return entries;
    }

    public static Task WriteAsync(PforteDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct) =>
        BulkInsert.WriteAsync(db, "audit_entries", Columns, entries, ct);
}
