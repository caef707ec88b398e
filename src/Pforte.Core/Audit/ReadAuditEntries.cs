using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>One entry as an auditor reads it: everything the record holds (it never holds a secret), hashes in hex.</summary>
public sealed record AuditEntryView(
    long Id, int Chain, long Seq, DateTimeOffset OccurredAt, string ActorKind, string ActorId, string? SubjectKvnr, string? Channel,
    int EventType, string EventName, string Outcome, string? ReasonCode, string? SourceIp, string? SourceCallerId, string? SourceCallId,
    string? CorrelationId, string? Details, string PrevHash, string Hash);

/// <summary>A page of entries in the order they were written; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryView> Entries, string? NextCursor);

/// <summary>
/// The audit record of the caller's Kasse for auditors and the data protection officer (scope <c>audit:read</c>):
/// filtered by time range, KVNR and event type, in pages by a cursor. Reading is itself recorded (9006), with the
/// KVNR filtered on as the subject, so a person's history shows who looked at it. Another Kasse's entries are never
/// listed. Filters are query parameters, checked here with stable codes; an unknown one is refused rather than
/// ignored (a misspelt filter would otherwise return everything).
/// </summary>
public sealed class ReadAuditEntries(PforteDbContext db, AuditLog audit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static readonly IReadOnlyList<string> Parameters = ["from", "to", "kvnr", "eventType", "cursor", "limit"];

    public async Task<Result<AuditPage>> ExecuteAsync(Guid kasseId, IReadOnlyDictionary<string, string?> query, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!Parse(query).TryGetValue(out var filter, out var error))
        {
            return error;
        }
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.KasseId == kasseId && e.Id > filter.After);
        if (filter.From is { } from)
        {
            entries = entries.Where(e => e.OccurredAt >= from);
        }
        if (filter.To is { } to)
        {
            entries = entries.Where(e => e.OccurredAt < to);
        }
        if (filter.Kvnr is { } kvnr)
        {
            entries = entries.Where(e => e.SubjectKvnr == kvnr);
        }
        if (filter.Action is { } action)
        {
            entries = entries.Where(e => e.Action == action);
        }
        var rows = await entries.OrderBy(e => e.Id).Take(filter.Limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        var page = rows.Take(filter.Limit).Select(View).ToList();
        var next = rows.Count > filter.Limit ? page[^1].Id.ToString(CultureInfo.InvariantCulture) : null;

        Guid? subject = filter.Kvnr is null ? null : await db.InsuredPersons.AsNoTracking()
            .Where(p => p.KasseId == kasseId && p.Kvnr == filter.Kvnr).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.AuditEntriesRead, AuditOutcome.Info, subject, filter.Kvnr,
            Details: JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["from"] = filter.From, ["to"] = filter.To, ["event_type"] = (int?)filter.Action, ["after"] = filter.After, ["entries"] = page.Count,
            })), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AuditPage(page, next);
    }

    private sealed record Filter(DateTimeOffset? From, DateTimeOffset? To, string? Kvnr, AuditAction? Action, long After, int Limit);

    private static Result<Filter> Parse(IReadOnlyDictionary<string, string?> query)
    {
        foreach (var key in query.Keys.Where(k => !Parameters.Contains(k, StringComparer.Ordinal)))
        {
            return new Error(ErrorCodes.AuditQueryParameterUnknown, Printable(key), string.Join(", ", Parameters));
        }
        string? Get(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v) ? v : null;

        DateTimeOffset? from = null, to = null;
        foreach (var (key, set) in new (string, Action<DateTimeOffset>)[] { ("from", v => from = v), ("to", v => to = v) })
        {
            if (Get(key) is { } text)
            {
                // An instant needs its zone: "2026-12-05T10:00" would mean a different moment on every server.
                if (!DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture,
                        DateTimeStyles.None, out var instant) || !(text.EndsWith('Z') || text[^6] is '+' or '-'))
                {
                    return new Error(ErrorCodes.AuditQueryInstantInvalid, key, Printable(text));
                }
                set(instant.ToUniversalTime());
            }
        }
        if (from is { } f && to is { } t && f >= t)
        {
            return new Error(ErrorCodes.AuditQueryRangeEmpty);
        }
        string? kvnr = null;
        if (Get("kvnr") is { } kvnrText)
        {
            if (!Common.Kvnr.Parse(kvnrText).TryGetValue(out var parsed, out var kvnrError))
            {
                return kvnrError;
            }
            kvnr = parsed.Value;
        }
        AuditAction? action = null;
        if (Get("eventType") is { } type)
        {
            if (ActionNamed(type) is not { } named)
            {
                return new Error(ErrorCodes.AuditQueryEventTypeUnknown, Printable(type));
            }
            action = named;
        }
        long after = 0;
        if (Get("cursor") is { } cursor && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after <= 0))
        {
            return new Error(ErrorCodes.AuditQueryCursorInvalid, Printable(cursor));
        }
        var limit = DefaultLimit;
        if (query.ContainsKey("limit") && (!int.TryParse(Get("limit"), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return new Error(ErrorCodes.AuditQueryLimitInvalid, MaxLimit);
        }
        return new Filter(from, to, kvnr, action, after, limit);
    }

    /// <summary>An event type by its number or its exact name, as docs/audit-events.md lists them; null for anything else.</summary>
    internal static AuditAction? ActionNamed(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && Enum.IsDefined((AuditAction)number) ? (AuditAction)number
        : !text.All(char.IsAsciiDigit) && Enum.TryParse<AuditAction>(text, ignoreCase: false, out var named) && Enum.IsDefined(named) ? named
        : null;

    /// <summary>Echoes input in a sentence without control characters and without flooding it.</summary>
    internal static string Printable(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? '?' : c).Take(64).ToArray());
        return text.Length > 64 ? clean + "…" : clean;
    }

    internal static AuditEntryView View(AuditEntry e) => new(e.Id, e.Chain, e.Seq, e.OccurredAt, e.ActorKind.ToString(), e.ActorId, e.SubjectKvnr, e.Channel,
        (int)e.Action, Enum.IsDefined(e.Action) ? e.Action.ToString() : "", e.Outcome.ToString(), e.ReasonCode, e.SourceIp, e.SourceCallerId, e.SourceCallId,
        e.CorrelationId, e.Details, Convert.ToHexStringLower(e.PrevHash), Convert.ToHexStringLower(e.Hash));
}
