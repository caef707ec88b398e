using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Workspace;

/// <summary>Who the person is, as the card shows it.</summary>
public sealed record CardPerson(Guid Id, string Kvnr, string FamilyName, string GivenName, DateOnly BirthDate, InsuranceKind InsuranceKind, DateOnly? InsuranceEnd, DateOnly? DeceasedOn);

/// <summary>An authentication of this call or visit: level, method, channel, time ("verifiziert, Niveau hoch, 14:02 über IVR").</summary>
public sealed record CardAuthentication(Guid Id, string Level, string Method, string Channel, DateTimeOffset CreatedAt, DateTimeOffset ValidUntil, bool ByMachine, bool ByRepresentative);

/// <summary>One line of the guidance: may the staff member tell or do this now, why, and which other ways there are.</summary>
public sealed record GuidanceLine(string RequestKind, string Name, Direction Direction, bool Allowed, string RequiredLevel, string ReasonCode, string Explanation, IReadOnlyList<string> Alternatives);

public sealed record CardRepresentative(string FamilyName, string GivenName, RepresentativeKind Kind, string Scope, DateOnly ValidFrom, DateOnly? ValidTo, bool Einwilligungsvorbehalt);

/// <summary>Everything the caller screen and the counter show about one person — never a code, a hash or an answer value.</summary>
public sealed record CallerCardView(
    CardPerson Person,
    string Channel,
    string? CallId,
    IReadOnlyList<CardAuthentication> Authentications,
    CardAuthentication? Current,
    IReadOnlyList<GuidanceLine> Guidance,
    CodeStatus Code,
    IReadOnlyList<CardRepresentative> Representatives,
    bool NeedsAlternative,
    bool ReissueNeedsApproval,
    Guid? PendingReissue);

/// <summary>Which request kinds the guidance asks in which direction: what is told or sent out, and what is asked or changed.</summary>
public static class GuidanceRequests
{
    public static readonly IReadOnlyList<KeyValuePair<string, Direction>> All =
    [
        new(RequestKinds.GeneralInformation, Direction.Outbound),
        new(RequestKinds.InsuranceStatus, Direction.Outbound),
        new(RequestKinds.Contributions, Direction.Outbound),
        new(RequestKinds.BenefitsHealthData, Direction.Outbound),
        new(RequestKinds.AddressChange, Direction.Inbound),
        new(RequestKinds.BankDetailsChange, Direction.Inbound),
        new(RequestKinds.NewEgk, Direction.Inbound),
        new(RequestKinds.NewAuthCode, Direction.Inbound),
        new(RequestKinds.SendDocuments, Direction.Inbound),
        new(RequestKinds.PortalRegistration, Direction.Inbound),
    ];
}

/// <summary>
/// The caller card: the person, the authentications of this call (by call id) or visit (the one made on the screen),
/// the disclosure guidance for every request kind on the screen's channel computed with the best of them, the code
/// status (state and letters — never the code or its hash), representatives and the flag "braucht einen anderen Weg".
/// Opening it is audited.
/// </summary>
public sealed class ReadCallerCard(PforteDbContext db, DecideDisclosure disclosure, GetCodeStatus codeStatus, AlternativeAuthentication alternative,
    CodeReissueRequests reissues, AuditQueue audit, TimeProvider clock)
{
    public async Task<Result<CallerCardView>> ExecuteAsync(Guid kasseId, Guid personId, string channel, string? callId, Guid? authenticationId, AuditContext context,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Channels.IsKnown(channel))
        {
            return new Error(ErrorCodes.DisclosureChannelUnknown, channel, string.Join(", ", Channels.All));
        }
        if (callId is not null && !CallPop.ParseCallId(callId).TryGetValue(out callId, out var callError))
        {
            return callError;
        }
        var person = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Id == personId)
            .Select(p => new CardPerson(p.Id, p.Kvnr, p.FamilyName, p.GivenName, p.BirthDate, p.InsuranceKind, p.InsuranceEnd, p.DeceasedOn))
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        var now = clock.GetUtcNow();
        var authentications = await db.Authentications.AsNoTracking()
            .Where(a => a.KasseId == kasseId && a.PersonId == personId && a.ValidUntil > now && a.Channel == channel
                && ((callId != null && a.CallId == callId) || (authenticationId != null && a.Id == authenticationId)))
            .OrderByDescending(a => a.CreatedAt).Take(20)
            .Select(a => new CardAuthentication(a.Id, a.Level, a.Method, a.Channel, a.CreatedAt, a.ValidUntil, a.Method == AuthenticationMethods.MachineCode, a.RepresentativeId != null))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var current = authentications.OrderByDescending(a => TrustLevelOrder.Rank(a.Level)).ThenByDescending(a => a.CreatedAt).FirstOrDefault();

        var decisions = await disclosure.GuideAsync(kasseId, current?.Id, channel, personId, GuidanceRequests.All, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The person or the authentication vanished while the card was read.");
        var guidance = GuidanceRequests.All.Where(r => decisions.ContainsKey(r.Key)).Select(r =>
        {
            var d = decisions[r.Key];
            return new GuidanceLine(r.Key, RequestKindNames.German(r.Key), r.Value, d.Allowed, d.RequiredLevel, d.ReasonCode, d.Explanation, d.Alternatives);
        }).ToList();

        var code = (await codeStatus.ExecuteAsync(kasseId, person.Kvnr, cancellationToken).ConfigureAwait(false)).Value;
        var representatives = await db.Representatives.AsNoTracking().Where(r => r.KasseId == kasseId && r.RepresentedPersonId == personId)
            .OrderBy(r => r.ValidFrom).Take(50)
            .Select(r => new CardRepresentative(r.FamilyName, r.GivenName, r.Kind, r.Scope, r.ValidFrom, r.ValidTo, r.Einwilligungsvorbehalt))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var needsAlternative = await alternative.IsNeededAsync(kasseId, personId, cancellationToken).ConfigureAwait(false);
        var needsApproval = await reissues.NeedsApprovalAsync(personId, cancellationToken).ConfigureAwait(false);
        var pending = await reissues.PendingForAsync(personId, cancellationToken).ConfigureAwait(false);

        await audit.AppendAsync(new AuditRecord(kasseId, context with { Channel = channel, SourceCallId = callId ?? context.SourceCallId },
            new AuditEvent(AuditAction.WorkspaceCallerCardOpened, AuditOutcome.Info, person.Id, person.Kvnr,
                Details: current is null ? "{}" : $"{{\"authentication\":\"{current.Id}\",\"level\":\"{current.Level}\"}}")), cancellationToken).ConfigureAwait(false);

        return new CallerCardView(person, channel, callId, authentications, current, guidance, code, representatives, needsAlternative, needsApproval, pending);
    }
}
