using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Portal;

/// <summary>Who acted, as the person may learn it: never a staff member's identity, never an API client's name.</summary>
public enum HistoryActor
{
    /// <summary>The person (or whoever used their KVNR, card and code — the entry says what was tried).</summary>
    Person = 1,

    /// <summary>A representative of the person, named (they are the person's own Betreuer, Bevollmächtigte or parent).</summary>
    Representative = 2,

    /// <summary>"Mitarbeiter/in Ihrer Kasse": an agent, the back office or an operator.</summary>
    Staff = 3,

    /// <summary>The Kasse's system on its own (daily run, print hand-over, automatic lock).</summary>
    Kasse = 4,
}

/// <summary>One line of the security history. The page turns <see cref="Action"/> and <see cref="Reason"/> into plain German.</summary>
public sealed record HistoryItem(
    long Seq, DateTimeOffset OccurredAt, AuditAction Action, bool Failed, string? Channel, HistoryActor Actor, string? RepresentativeName,
    RepresentativeKind? RepresentativeKind, string? Reason);

/// <summary>A page of the history, newest first; <see cref="Older"/> is the cursor of the next page, null on the last.</summary>
public sealed record HistoryPage(IReadOnlyList<HistoryItem> Items, string? Older);

/// <summary>
/// "So haben Sie alles unter Kontrolle": the person's own audit entries (domain.md §9), newest first, in pages. Only
/// entries whose subject is this person in this Kasse are read — never anybody else's. Every entry about a person
/// lies in the one chain <see cref="AuditLog.ChainFor"/> gives, so its sequence number orders them, and the index
/// (kasse_id, subject_person_id, seq) serves a page with one range read whatever the length of the history.
/// The actor is reduced to <see cref="HistoryActor"/>: staff ids, client ids, IP addresses and details never leave here.
/// </summary>
public sealed class ReadSecurityHistory(PforteDbContext db)
{
    public const int DefaultPageSize = 25;

    /// <summary>Entries that say nothing the person can act on (a hash re-keyed under a newer key).</summary>
    private static readonly AuditAction[] Hidden = [AuditAction.CodeRekeyed];

    /// <summary>Actions a person starts themselves with KVNR, card and code or in the portal; an API client only carries them.</summary>
    private static readonly HashSet<AuditAction> ByThePerson =
    [
        AuditAction.CodeVerified, AuditAction.CodeVerificationFailed, AuditAction.CodeChanged, AuditAction.CodeChangeRefused, AuditAction.PortalLoginRecorded,
        AuditAction.CodeOrderedByPerson, AuditAction.CodeBlockedByPerson, AuditAction.AddressChangeScheduled, AuditAction.BankDetailsChanged,
        AuditAction.ContactEmailRequested, AuditAction.ContactEmailConfirmed,
        AuditAction.PortalAccountRegistered, AuditAction.PortalRegistrationRefused, AuditAction.PortalSignInFailed, AuditAction.PortalSignedOut,
        AuditAction.PortalSessionsRevoked, AuditAction.PortalStepUpConfirmed, AuditAction.PortalStepUpFailed, AuditAction.PortalPasskeyAdded,
        AuditAction.PortalPasskeyRemoved, AuditAction.PortalActivationLetterRequested, AuditAction.PortalActivationCodeUsed,
    ];

    /// <summary>Actions the Kasse's system takes on its own, whoever set them off.</summary>
    private static readonly HashSet<AuditAction> ByTheKasse =
    [
        AuditAction.CodeIssued, AuditAction.CodeLocked, AuditAction.CodeReissueCapReached, AuditAction.CodeActivated, AuditAction.CodeDeleted,
        AuditAction.LetterQueued, AuditAction.LetterHandedOver, AuditAction.LetterCancelled, AuditAction.InsuredCreated, AuditAction.InsuredImported,
        AuditAction.OutboundReleased, AuditAction.OutboundRefused, AuditAction.PortalAccountLocked,
    ];

    public async Task<Result<HistoryPage>> ExecuteAsync(Guid kasseId, Guid personId, string? older, int pageSize = DefaultPageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        long? before = null;
        if (!string.IsNullOrEmpty(older))
        {
            if (!long.TryParse(older, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq <= 0)
            {
                return new Error(ErrorCodes.PortalHistoryCursorInvalid, TextInput.Echo(older));
            }
            before = seq;
        }
        var query = db.AuditEntries.AsNoTracking().Where(e => e.KasseId == kasseId && e.SubjectPersonId == personId && !Hidden.Contains(e.Action));
        if (before is { } b)
        {
            query = query.Where(e => e.Seq < b);
        }
        var rows = await query.OrderByDescending(e => e.Seq).Take(pageSize + 1)
            .Select(e => new Row(e.Seq, e.OccurredAt, e.ActorKind, e.ActorId, e.Channel, e.Action, e.Outcome, e.ReasonCode, e.Details))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var page = rows.Take(pageSize).ToList();

        var representativeIds = page.Select(RepresentativeOf).OfType<Guid>().Distinct().ToList();
        // Only this person's representations: an id in a record can never name anybody else's representative.
        var representatives = representativeIds.Count == 0
            ? []
            : await db.Representatives.AsNoTracking()
                .Where(r => r.KasseId == kasseId && r.RepresentedPersonId == personId && representativeIds.Contains(r.Id))
                .Select(r => new { r.Id, r.GivenName, r.FamilyName, r.Kind })
                .ToDictionaryAsync(r => r.Id, cancellationToken).ConfigureAwait(false);

        var items = page.Select(row =>
        {
            var actor = ActorOf(row);
            string? name = null;
            RepresentativeKind? kind = null;
            // A representation is named only where the person's side acted (a staff member recording one is staff).
            if (actor == HistoryActor.Person && RepresentativeOf(row) is { } rid && representatives.TryGetValue(rid, out var rep))
            {
                actor = HistoryActor.Representative;
                name = $"{rep.GivenName} {rep.FamilyName}";
                kind = rep.Kind;
            }
            return new HistoryItem(row.Seq, row.OccurredAt, row.Action, row.Outcome is AuditOutcome.Failure or AuditOutcome.Refused, row.Channel, actor, name, kind, row.ReasonCode);
        }).ToList();
        return new HistoryPage(items, rows.Count > pageSize ? page[^1].Seq.ToString(CultureInfo.InvariantCulture) : null);
    }

    private sealed record Row(long Seq, DateTimeOffset OccurredAt, ActorKind ActorKind, string ActorId, string? Channel, AuditAction Action, AuditOutcome Outcome, string? ReasonCode, string? Details);

    private static HistoryActor ActorOf(Row row)
    {
        if (row.ActorKind is ActorKind.Staff or ActorKind.Operator || HasStaff(row.Details))
        {
            return HistoryActor.Staff;
        }
        if (row.ActorKind == ActorKind.System || ByTheKasse.Contains(row.Action))
        {
            return HistoryActor.Kasse;
        }
        if (row.ActorKind == ActorKind.Insured || ByThePerson.Contains(row.Action))
        {
            return HistoryActor.Person;
        }
        // Any other client action (a disclosure decision, phone questions, a written check) is done by an agent.
        return HistoryActor.Staff;
    }

    /// <summary>The representation an entry was made under: the portal's actor id, or the details a client reported.</summary>
    private static Guid? RepresentativeOf(Row row) => PortalAudit.RepresentativeOf(row.ActorId) ?? DetailGuid(row.Details, "representative");

    private static bool HasStaff(string? details) => Detail(details, "staff") is { ValueKind: JsonValueKind.String };

    private static Guid? DetailGuid(string? details, string name) =>
        Detail(details, name) is { ValueKind: JsonValueKind.String } value && Guid.TryParse(value.GetString(), out var id) ? id : null;

    private static JsonElement? Detail(string? details, string name)
    {
        if (details is null || !details.Contains(name, StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(details);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value) ? value.Clone() : null;
        }
        catch (JsonException)
        {
            // Details are written by Pforte as JSON; a row that is not is shown without them rather than not at all.
            return null;
        }
    }
}
