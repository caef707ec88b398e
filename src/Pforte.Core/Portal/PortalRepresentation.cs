using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Portal;

/// <summary>A person the signed-in person represents, and why switching to them is not possible today (null: it is).</summary>
public sealed record RepresentationOption(
    Guid RepresentativeId, Guid PersonId, string GivenName, string FamilyName, RepresentativeKind Kind, DateOnly ValidFrom, DateOnly? ValidTo, Error? Unavailable);

/// <summary>The represented person a session acts for, after the representation was checked.</summary>
public sealed record ActingFor(Guid RepresentativeId, Guid PersonId, string Kvnr, string GivenName, string FamilyName, RepresentativeKind Kind)
{
    public string Name => $"{GivenName} {FamilyName}";
}

/// <summary>A started representation: whom the session now acts for, and the portal-login authentication recorded for that person.</summary>
public sealed record RepresentationStarted(ActingFor Acting, Guid AuthenticationId, string Level);

/// <summary>
/// Representatives in the portal (domain.md §2, ADR 0017). A Betreuer, Bevollmächtigte or parent with an account of
/// their own — an insured person of the same Kasse recorded as <see cref="Representative.RepresentativePersonId"/> —
/// switches to the person they represent while the representation is valid today (parents only for children under
/// 15, § 36 SGB I). The switch records a portal-login authentication for the represented person carrying the
/// representation's id, so disclosure decisions check scope and validity as for any other channel; everything the
/// session does then is audited with the representation as actor ("X für Y", <see cref="PortalAudit"/>). A
/// representation id that is not the signed-in person's answers like one that does not exist (PF-PORT-001).
/// </summary>
public sealed class PortalRepresentation(PforteDbContext db, RecordAuthentication record, AuditLog audit, Accounts.PortalClient portalClient, TimeProvider clock)
{
    /// <summary>What a representative may see in the portal's history and letters: the kind that covers insurance matters.</summary>
    public const string ViewRequestKind = RequestKinds.InsuranceStatus;

    public async Task<IReadOnlyList<RepresentationOption>> ListAsync(Guid kasseId, Guid personId, CancellationToken cancellationToken = default)
    {
        var today = BerlinCalendar.Today(clock);
        var rows = await Query(kasseId, personId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(r => r.Person.FamilyName).ThenBy(r => r.Person.GivenName)
            .Select(r => new RepresentationOption(r.Representative.Id, r.Person.Id, r.Person.GivenName, r.Person.FamilyName, r.Representative.Kind,
                r.Representative.ValidFrom, r.Representative.ValidTo, Unavailable(r.Representative, r.Person, today, null)))
            .ToList();
    }

    /// <summary>Switches the session of <paramref name="actorPersonId"/> to the represented person (step-up is the page's part).</summary>
    public async Task<Result<RepresentationStarted>> StartAsync(
        Guid kasseId, Guid actorPersonId, Guid? actingNow, string? representativeId, IReadOnlyList<string> factors, string portalSessionId, Guid clientId,
        string? sourceIp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (actingNow is { } current)
        {
            var pair = await Query(kasseId, actorPersonId, current).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return new Error(ErrorCodes.RepresentationAlreadyActing, pair is null ? "eine andere Person" : $"{pair.Person.GivenName} {pair.Person.FamilyName}");
        }
        if (!(await FindAsync(kasseId, actorPersonId, representativeId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var found, out var notFound))
        {
            return notFound;
        }
        var (representative, person) = found;
        var context = PortalAudit.Context(actorPersonId, representative.Id, sourceIp, portalSessionId);
        if (await RefuseAsync(kasseId, representative, person, null, context, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var login = await record.PortalLoginAsync(kasseId, clientId, new PortalLoginInput(person.Kvnr, [.. factors], portalSessionId, representative.Id), context, cancellationToken)
            .ConfigureAwait(false);
        if (!login.TryGetValue(out var authentication, out var loginError))
        {
            return loginError;
        }
        return new RepresentationStarted(Acting(representative, person), authentication.Id, authentication.Level);
    }

    /// <summary>
    /// The switch for a portal session: the represented person's authentication gets the factors the session's own
    /// login was made with (so the same level), under the Kasse's built-in portal client (ADR 0015). A session that
    /// is not the person's, or no longer live, answers like a representation that does not exist.
    /// </summary>
    public async Task<Result<RepresentationStarted>> StartForSessionAsync(
        Guid kasseId, Guid actorPersonId, Guid? actingNow, string? representativeId, Guid sessionId, string? sourceIp, CancellationToken cancellationToken = default)
    {
        var factors = await db.PortalSessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.PersonId == actorPersonId && s.KasseId == kasseId && s.RevokedAt == null)
            .Select(s => s.Factors).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (factors is null)
        {
            return new Error(ErrorCodes.PortalNotFound);
        }
        var clientId = await portalClient.IdForAsync(kasseId, cancellationToken).ConfigureAwait(false);
        return await StartAsync(kasseId, actorPersonId, actingNow, representativeId, factors.Split(','), sessionId.ToString(), clientId, sourceIp, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The session's own login (authentication and level), to put back into the cookie when switching back; null when the session is gone.</summary>
    public async Task<(Guid AuthenticationId, string Level)?> SessionLoginAsync(Guid accountId, Guid sessionId, CancellationToken cancellationToken = default)
    {
        var own = await db.PortalSessions.AsNoTracking().Where(s => s.Id == sessionId && s.AccountId == accountId && s.RevokedAt == null)
            .Select(s => new { s.AuthenticationId, s.Level }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return own is null ? null : (own.AuthenticationId, own.Level);
    }

    /// <summary>Ends acting for someone; audited on the represented person's record (7004).</summary>
    public async Task<Result<ActingFor>> EndAsync(Guid kasseId, Guid actorPersonId, Guid? actingNow, string? sourceIp, string? portalSessionId, CancellationToken cancellationToken = default)
    {
        if (actingNow is not { } representativeId)
        {
            return new Error(ErrorCodes.RepresentationNotActing);
        }
        if (!(await FindAsync(kasseId, actorPersonId, representativeId.ToString(), cancellationToken).ConfigureAwait(false)).TryGetValue(out var found, out var notFound))
        {
            // The representation was deleted meanwhile: there is nobody to switch back from, and the session ends acting anyway.
            return notFound;
        }
        var (representative, person) = found;
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, PortalAudit.Context(actorPersonId, representative.Id, sourceIp, portalSessionId),
            new AuditEvent(AuditAction.RepresentationEnded, AuditOutcome.Success, person.Id, person.Kvnr, Details: $"{{\"representative\":\"{representative.Id}\"}}"),
            cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Acting(representative, person);
    }

    /// <summary>
    /// Checked on every request made while acting for someone: the representation still exists, is the signed-in
    /// person's, is valid today and covers <paramref name="requestKind"/>. A representation that ended since the
    /// switch stops working at once, not at the end of the session.
    /// </summary>
    public async Task<Result<ActingFor>> CheckAsync(Guid kasseId, Guid actorPersonId, Guid representativeId, string requestKind, CancellationToken cancellationToken = default)
    {
        if (!(await FindAsync(kasseId, actorPersonId, representativeId.ToString(), cancellationToken).ConfigureAwait(false)).TryGetValue(out var found, out var notFound))
        {
            return notFound;
        }
        var (representative, person) = found;
        return Unavailable(representative, person, BerlinCalendar.Today(clock), requestKind) is { } refusal ? refusal : Acting(representative, person);
    }

    /// <summary>Records that a representative looked at the represented person's history or letters (7007): reading for someone is acting for them.</summary>
    public async Task RecordViewAsync(Guid kasseId, ActingFor acting, Guid actorPersonId, string what, string? sourceIp, string? portalSessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acting);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, PortalAudit.Context(actorPersonId, acting.RepresentativeId, sourceIp, portalSessionId),
            new AuditEvent(AuditAction.RepresentedDataViewed, AuditOutcome.Info, acting.PersonId, acting.Kvnr, Details: $"{{\"representative\":\"{acting.RepresentativeId}\",\"page\":\"{what}\"}}"),
            cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record Pair(Representative Representative, InsuredPerson Person);

    /// <summary>The signed-in person's representations (one of them when <paramref name="only"/> is given), filtered before projecting.</summary>
    private IQueryable<Pair> Query(Guid kasseId, Guid actorPersonId, Guid? only = null) =>
        from r in db.Representatives.AsNoTracking()
        join p in db.InsuredPersons.AsNoTracking() on r.RepresentedPersonId equals p.Id
        where r.KasseId == kasseId && p.KasseId == kasseId && r.RepresentativePersonId == actorPersonId && (only == null || r.Id == only)
        select new Pair(r, p);

    private async Task<Result<Pair>> FindAsync(Guid kasseId, Guid actorPersonId, string? representativeId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(representativeId, out var id))
        {
            return new Error(ErrorCodes.PortalNotFound);
        }
        var pair = await Query(kasseId, actorPersonId, id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return pair is null ? new Error(ErrorCodes.PortalNotFound) : pair;
    }

    private async Task<Error?> RefuseAsync(Guid kasseId, Representative representative, InsuredPerson person, string? requestKind, AuditContext context, CancellationToken cancellationToken)
    {
        if (Unavailable(representative, person, BerlinCalendar.Today(clock), requestKind) is not { } refusal)
        {
            return null;
        }
        // A refused switch is on the represented person's record: they see that someone tried to act for them.
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.RepresentationRefused, AuditOutcome.Refused, person.Id, person.Kvnr,
            ReasonCode: refusal.Code, Details: $"{{\"representative\":\"{representative.Id}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return refusal;
    }

    private static Error? Unavailable(Representative r, InsuredPerson person, DateOnly today, string? requestKind)
    {
        var name = $"{person.GivenName} {person.FamilyName}";
        var facts = new RepresentationFacts(r.Id, r.Kind, r.RepresentativePersonId, r.Scope, r.ValidFrom, r.ValidTo, r.Einwilligungsvorbehalt);
        if (!facts.ValidOn(today))
        {
            return new Error(ErrorCodes.RepresentationNotValidToday, name, r.ValidFrom.ToString("dd.MM.yyyy", ErrorTexts.German),
                r.ValidTo?.ToString("dd.MM.yyyy", ErrorTexts.German) ?? "unbefristet");
        }
        if (r.Kind == RepresentativeKind.GesetzlicherVertreter && DisclosureDecision.AgeOn(person.BirthDate, today) >= DisclosureDecision.AgeOfSocialCapacity)
        {
            return new Error(ErrorCodes.RepresentationChildTooOld, name);
        }
        if (requestKind is not null && !facts.Covers(requestKind))
        {
            return new Error(ErrorCodes.RepresentationOutOfScope, name);
        }
        return null;
    }

    private static ActingFor Acting(Representative r, InsuredPerson p) => new(r.Id, p.Id, p.Kvnr, p.GivenName, p.FamilyName, r.Kind);
}
