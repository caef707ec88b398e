using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>
/// What an auditor typed into the search form of the staff workspace, as text: every field optional. Times are
/// German local time (the form's <c>datetime-local</c> field, or a date alone); <see cref="Cursor"/> is the
/// <see cref="AuditSearchPage.NextCursor"/> of the page before.
/// </summary>
public sealed record AuditSearchInput(
    string? Kvnr = null, string? From = null, string? To = null, string? Action = null, string? Actor = null, string? Outcome = null, string? Cursor = null);

/// <summary>The checked filter of a search.</summary>
public sealed record AuditSearchFilter(
    string? Kvnr, DateTimeOffset? From, DateTimeOffset? To, AuditAction? Action, string? Actor, AuditOutcome? Outcome, AuditSearchCursor? After);

/// <summary>Where the next page starts: the last entry shown (newest first, ties by id).</summary>
public sealed record AuditSearchCursor(DateTimeOffset OccurredAt, long Id)
{
    public override string ToString() =>
        OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "-" + Id.ToString(CultureInfo.InvariantCulture);

    public static AuditSearchCursor? Parse(string text)
    {
        var parts = text.Split('-');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? new AuditSearchCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id)
            : null;
    }
}

/// <summary>One page of a search, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record AuditSearchPage(AuditSearchFilter Filter, IReadOnlyList<AuditEntryView> Entries, string? NextCursor);

/// <summary>
/// The auditor's search of the staff workspace over the audit record of their own Kasse: by person (KVNR), time
/// range, event type, staff member (actor id) and outcome, newest first, in pages by a keyset cursor (never an
/// offset: page 1,000 costs what page 1 costs). Every filter has an index of the form (kasse, column, occurred_at,
/// id) so that a search over millions of entries reads only the page it shows (docs/decisions/0026). The search is
/// itself recorded (10201) with the KVNR searched for as the subject, so a person's history shows who looked.
/// </summary>
public sealed class SearchAuditTrail(PforteDbContext db, AuditLog audit)
{
    public const int PageSize = 50;

    public async Task<Result<AuditSearchPage>> ExecuteAsync(Guid kasseId, AuditSearchInput input, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (!Parse(input).TryGetValue(out var filter, out var error))
        {
            return error;
        }
        var rows = await Query(db, kasseId, filter).Take(PageSize + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        var page = rows.Take(PageSize).Select(ReadAuditEntries.View).ToList();
        var next = rows.Count > PageSize ? new AuditSearchCursor(rows[PageSize - 1].OccurredAt, rows[PageSize - 1].Id).ToString() : null;
        await RecordAsync(db, audit, kasseId, context, AuditAction.AuditSearchedByStaff, filter, page.Count, cancellationToken).ConfigureAwait(false);
        return new AuditSearchPage(filter, page, next);
    }

    /// <summary>The entries a filter selects, newest first, from its cursor on.</summary>
    internal static IQueryable<AuditEntry> Query(PforteDbContext db, Guid kasseId, AuditSearchFilter filter)
    {
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.KasseId == kasseId);
        if (filter.Kvnr is { } kvnr)
        {
            entries = entries.Where(e => e.SubjectKvnr == kvnr);
        }
        if (filter.Action is { } action)
        {
            entries = entries.Where(e => e.Action == action);
        }
        if (filter.Actor is { } actor)
        {
            entries = entries.Where(e => e.ActorId == actor);
        }
        if (filter.Outcome is { } outcome)
        {
            entries = entries.Where(e => e.Outcome == outcome);
        }
        if (filter.From is { } from)
        {
            entries = entries.Where(e => e.OccurredAt >= from);
        }
        if (filter.To is { } to)
        {
            entries = entries.Where(e => e.OccurredAt < to);
        }
        if (filter.After is { } after)
        {
            // The first condition alone is what the index range uses; the second only drops the ties already shown.
            var at = after.OccurredAt;
            var id = after.Id;
            entries = entries.Where(e => e.OccurredAt <= at && (e.OccurredAt < at || e.Id < id));
        }
        return entries.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id);
    }

    /// <summary>Records a search or an export: the filter as ids and kinds (never more), the KVNR as the subject.</summary>
    internal static async Task RecordAsync(PforteDbContext db, AuditLog audit, Guid kasseId, AuditContext context, AuditAction action, AuditSearchFilter filter,
        long? entries, CancellationToken cancellationToken)
    {
        Guid? subject = filter.Kvnr is null ? null : await db.InsuredPersons.AsNoTracking()
            .Where(p => p.KasseId == kasseId && p.Kvnr == filter.Kvnr).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(action, AuditOutcome.Info, subject, filter.Kvnr,
            Details: JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["from"] = filter.From, ["to"] = filter.To, ["event_type"] = (int?)filter.Action, ["actor"] = filter.Actor,
                ["outcome"] = filter.Outcome?.ToString(), ["next_page"] = filter.After is not null, ["entries"] = entries,
            })), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks the form's text; the first wrong field gives the error, nothing is searched.</summary>
    public static Result<AuditSearchFilter> Parse(AuditSearchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

        string? kvnr = null;
        if (Given(input.Kvnr) is { } kvnrText)
        {
            if (!Common.Kvnr.Parse(kvnrText).TryGetValue(out var parsed, out var kvnrError))
            {
                return kvnrError;
            }
            kvnr = parsed.Value;
        }
        DateTimeOffset? from = null, to = null;
        if (Given(input.From) is { } fromText)
        {
            if (LocalInstant(fromText, endOfDay: false) is not { } instant)
            {
                return new Error(ErrorCodes.WsAuditTimeInvalid, "„von“", Printable(fromText));
            }
            from = instant;
        }
        if (Given(input.To) is { } toText)
        {
            if (LocalInstant(toText, endOfDay: true) is not { } instant)
            {
                return new Error(ErrorCodes.WsAuditTimeInvalid, "„bis“", Printable(toText));
            }
            to = instant;
        }
        if (from is { } f && to is { } t && f >= t)
        {
            return new Error(ErrorCodes.WsAuditRangeEmpty);
        }
        AuditAction? action = null;
        if (Given(input.Action) is { } actionText)
        {
            if (ReadAuditEntries.ActionNamed(actionText) is not { } named)
            {
                return new Error(ErrorCodes.WsAuditActionUnknown, Printable(actionText));
            }
            action = named;
        }
        string? actor = null;
        if (Given(input.Actor) is { } actorText)
        {
            if (actorText.Length > 100 || actorText.Any(char.IsControl))
            {
                return new Error(ErrorCodes.WsAuditActorInvalid);
            }
            actor = actorText;
        }
        AuditOutcome? outcome = null;
        if (Given(input.Outcome) is { } outcomeText)
        {
            if (!Enum.TryParse<AuditOutcome>(outcomeText, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed) || outcomeText.Any(char.IsAsciiDigit))
            {
                return new Error(ErrorCodes.WsAuditOutcomeUnknown, Printable(outcomeText), string.Join(", ", Enum.GetNames<AuditOutcome>()));
            }
            outcome = parsed;
        }
        AuditSearchCursor? after = null;
        if (Given(input.Cursor) is { } cursorText && (after = AuditSearchCursor.Parse(cursorText)) is null)
        {
            return new Error(ErrorCodes.WsAuditCursorInvalid);
        }
        return new AuditSearchFilter(kvnr, from, to, action, actor, outcome, after);
    }

    private static readonly string[] DateTimeFormats =
        ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "dd.MM.yyyy HH:mm", "dd.MM.yyyy HH:mm:ss"];

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd.MM.yyyy"];

    /// <summary>
    /// German local time as the instant it names. A date alone means the start of that day for "from" and its end
    /// (the next day's start) for "to", so "bis 05.12.2026" includes the 5th.
    /// </summary>
    private static DateTimeOffset? LocalInstant(string text, bool endOfDay)
    {
        if (DateTime.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return Berlin(local);
        }
        if (DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return endOfDay ? (day == DateOnly.MaxValue ? null : BerlinCalendar.StartOf(day.AddDays(1))) : BerlinCalendar.StartOf(day);
        }
        return null;
    }

    private static DateTimeOffset? Berlin(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A wall-clock time skipped by the change to summer time does not exist; the hour after it is meant.
        if (BerlinCalendar.Zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddHours(1);
        }
        try
        {
            return new DateTimeOffset(unspecified, BerlinCalendar.Zone.GetUtcOffset(unspecified)).ToUniversalTime();
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // beyond year 9999 once converted
        }
    }

    private static string Printable(string text) => ReadAuditEntries.Printable(text);
}
