using System.Data.Common;
using System.Globalization;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>
/// One stored audit row as <see cref="VerifyAuditChain"/> reads it: the entry, or — when a column holds a value Pforte
/// never writes (an enum name it does not know, text where a number or a key belongs, a NULL in a required column, a
/// timestamp in another form) — the name of that column. The check reads raw column values and decodes them itself,
/// so that tampering of any shape becomes a named broken link instead of an exception while materialising entities.
/// </summary>
internal sealed record StoredAuditEntry(long? Seq, AuditEntry? Entry, string? UnreadableColumn);

internal static class StoredAuditEntries
{
    private const string Columns = "seq, occurred_at, actor_kind, actor_id, subject_person_id, subject_kvnr, channel, action, outcome, reason_code, "
        + "source_ip, source_caller_id, source_call_id, correlation_id, details, prev_hash, hash";

    /// <summary>How EF Core's SQLite provider writes a DateTime (Pforte stores instants as UTC DateTime on SQLite).</summary>
    private const string SqliteDateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    /// <summary>The chain numbers a Kasse's entries use; a value that is no number is left to the chain it was taken from, which breaks.</summary>
    public static async Task<List<int>> ChainsAsync(PforteDbContext db, Guid kasseId, CancellationToken cancellationToken)
    {
        await using var sql = await PlainSql.CreateAsync(db, "SELECT DISTINCT chain FROM audit_entries WHERE kasse_id = @kasse", cancellationToken).ConfigureAwait(false);
        sql.With<AuditEntry>("@kasse", nameof(AuditEntry.KasseId), kasseId);
        var chains = new List<int>();
        await using var reader = await sql.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Integer(reader.GetValue(0)) is { } chain and >= int.MinValue and <= int.MaxValue)
            {
                chains.Add((int)chain);
            }
        }
        return chains;
    }

    public static async Task<List<StoredAuditEntry>> PageAsync(PforteDbContext db, Guid kasseId, int chain, long after, int pageSize, CancellationToken cancellationToken)
    {
        await using var sql = await PlainSql.CreateAsync(db,
            $"SELECT {Columns} FROM audit_entries WHERE kasse_id = @kasse AND chain = @chain AND seq > @after ORDER BY seq LIMIT @take", cancellationToken).ConfigureAwait(false);
        sql.With<AuditEntry>("@kasse", nameof(AuditEntry.KasseId), kasseId)
            .With<AuditEntry>("@chain", nameof(AuditEntry.Chain), chain)
            .With<AuditEntry>("@after", nameof(AuditEntry.Seq), after);
        var take = sql.Command.CreateParameter();
        take.ParameterName = "@take";
        take.Value = pageSize;
        sql.Command.Parameters.Add(take);
        var page = new List<StoredAuditEntry>(pageSize);
        await using var reader = await sql.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(Decode(reader, kasseId, chain));
        }
        return page;
    }

    private static StoredAuditEntry Decode(DbDataReader reader, Guid kasseId, int chain)
    {
        var seq = Integer(reader.GetValue(0));
        if (seq is null)
        {
            return new StoredAuditEntry(null, null, "seq");
        }
        var entry = new AuditEntry { KasseId = kasseId, Chain = chain, Seq = seq.Value, ActorId = "", PrevHash = [], Hash = [] };
        string? bad = null;
        void Fail(string column) => bad ??= column;

        if (Instant(reader.GetValue(1)) is { } at) { entry.OccurredAt = at; } else { Fail("occurred_at"); }
        if (EnumName<ActorKind>(reader.GetValue(2)) is { } actor) { entry.ActorKind = actor; } else { Fail("actor_kind"); }
        if (Text(reader.GetValue(3), out var actorId) && actorId is not null) { entry.ActorId = actorId; } else { Fail("actor_id"); }
        if (OptionalGuid(reader.GetValue(4), out var person)) { entry.SubjectPersonId = person; } else { Fail("subject_person_id"); }
        if (Text(reader.GetValue(5), out var kvnr)) { entry.SubjectKvnr = kvnr; } else { Fail("subject_kvnr"); }
        if (Text(reader.GetValue(6), out var channel)) { entry.Channel = channel; } else { Fail("channel"); }
        if (Integer(reader.GetValue(7)) is { } action and >= int.MinValue and <= int.MaxValue) { entry.Action = (AuditAction)(int)action; } else { Fail("action"); }
        if (EnumName<AuditOutcome>(reader.GetValue(8)) is { } outcome) { entry.Outcome = outcome; } else { Fail("outcome"); }
        if (Text(reader.GetValue(9), out var reason)) { entry.ReasonCode = reason; } else { Fail("reason_code"); }
        if (Text(reader.GetValue(10), out var ip)) { entry.SourceIp = ip; } else { Fail("source_ip"); }
        if (Text(reader.GetValue(11), out var caller)) { entry.SourceCallerId = caller; } else { Fail("source_caller_id"); }
        if (Text(reader.GetValue(12), out var call)) { entry.SourceCallId = call; } else { Fail("source_call_id"); }
        if (Text(reader.GetValue(13), out var correlation)) { entry.CorrelationId = correlation; } else { Fail("correlation_id"); }
        if (Text(reader.GetValue(14), out var details)) { entry.Details = details; } else { Fail("details"); }
        if (reader.GetValue(15) is byte[] prev) { entry.PrevHash = prev; } else { Fail("prev_hash"); }
        if (reader.GetValue(16) is byte[] hash) { entry.Hash = hash; } else { Fail("hash"); }
        return bad is null ? new StoredAuditEntry(seq, entry, null) : new StoredAuditEntry(seq, null, bad);
    }

    /// <summary>An integer as stored (PostgreSQL integer types, SQLite INTEGER); text or a real number is not one.</summary>
    private static long? Integer(object value) => value switch
    {
        long l => l,
        int i => i,
        short s => s,
        _ => null,
    };

    private static bool Text(object value, out string? text)
    {
        text = value as string;
        return value is string || value is DBNull;
    }

    /// <summary>A Guid as stored: native on PostgreSQL, on SQLite upper-case text in the form EF Core writes.</summary>
    private static bool OptionalGuid(object value, out Guid? guid)
    {
        guid = null;
        switch (value)
        {
            case DBNull:
                return true;
            case Guid g:
                guid = g;
                return true;
            case string s when Guid.TryParseExact(s, "D", out var parsed) && string.Equals(s, parsed.ToString("D").ToUpperInvariant(), StringComparison.Ordinal):
                guid = parsed;
                return true;
            default:
                return false;
        }
    }

    /// <summary>An enum stored by name: exactly a defined name, nothing else (no number, no other case).</summary>
    private static T? EnumName<T>(object value) where T : struct, Enum =>
        value is string s && Enum.TryParse<T>(s, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed)
            && string.Equals(parsed.ToString(), s, StringComparison.Ordinal) ? parsed : null;

    /// <summary>An instant as stored: timestamptz on PostgreSQL, on SQLite UTC text in exactly the form EF Core writes.</summary>
    private static DateTimeOffset? Instant(object value)
    {
        switch (value)
        {
            case DateTime dt when dt.Kind != DateTimeKind.Local:
                return new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc));
            case DateTimeOffset dto:
                return dto;
            case string s when DateTime.TryParseExact(s, SqliteDateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                && string.Equals(parsed.ToString(SqliteDateTimeFormat, CultureInfo.InvariantCulture), s, StringComparison.Ordinal):
                return new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
            default:
                return null;
        }
    }
}
