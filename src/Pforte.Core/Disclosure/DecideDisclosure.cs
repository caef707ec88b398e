using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Disclosure;

public sealed record DecideRequest(Guid? AuthenticationId, string? Channel, string? RequestKind, string? Direction, string? SubjectKvnr);

/// <summary>
/// Loads what <see cref="DisclosureDecision"/> needs (subject, the referenced authentication, the subject's
/// representations — three indexed reads), decides, and records the decision in the audit trail.
/// </summary>
public sealed class DecideDisclosure(PforteDbContext db, DisclosurePolicy policy, AuditQueue audit, TimeProvider clock)
{
    public async Task<Result<Decision>> ExecuteAsync(Guid kasseId, DecideRequest request, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Channels.IsKnown(request.Channel))
        {
            return new Error(ErrorCodes.DisclosureChannelUnknown, request.Channel ?? "", string.Join(", ", Channels.All));
        }
        if (request.RequestKind is null || !RequestKinds.IsKnown(request.RequestKind))
        {
            return new Error(ErrorCodes.DisclosureRequestKindUnknown, request.RequestKind ?? "", string.Join(", ", RequestKinds.All));
        }
        Direction direction;
        switch (request.Direction)
        {
            case "inbound": direction = Direction.Inbound; break;
            case "outbound": direction = Direction.Outbound; break;
            default: return new Error(ErrorCodes.DisclosureDirectionUnknown, request.Direction ?? "");
        }
        if (!Kvnr.Parse(request.SubjectKvnr).TryGetValue(out var kvnr, out var error))
        {
            return error;
        }
        // Subject and their representations in one query (this runs on every screen an agent opens).
        var subject = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Kvnr == kvnr.Value)
            .Select(p => new { p.Id, p.BirthDate, Representations = db.Representatives.Where(r => r.RepresentedPersonId == p.Id).ToList() })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (subject is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        AuthenticationFacts? auth = null;
        if (request.AuthenticationId is { } authId)
        {
            auth = await db.Authentications.AsNoTracking().Where(a => a.Id == authId)
                .Select(a => new AuthenticationFacts(a.Id, a.KasseId, a.PersonId, a.Level, a.Channel, a.ValidUntil, a.RepresentativeId))
                .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (auth is null || auth.KasseId != kasseId)
            {
                // Another Kasse's authentication is treated like a missing one: its existence is not this client's business.
                return new Error(ErrorCodes.DisclosureAuthenticationUnknown);
            }
        }
        var representations = subject.Representations.ConvertAll(RepresentationFacts.From);

        var now = clock.GetUtcNow();
        var decision = DisclosureDecision.Decide(policy, new DecisionInput(request.Channel!, request.RequestKind, direction,
            new SubjectFacts(kasseId, subject.Id, subject.BirthDate), auth, representations, now, BerlinCalendar.Today(clock)));

        // The decision's only write; it shares a transaction with parallel decisions and returns once committed.
        await audit.AppendAsync(new AuditRecord(kasseId, context with { Channel = request.Channel }, new AuditEvent(AuditAction.DisclosureDecided,
            decision.Allowed ? AuditOutcome.Success : AuditOutcome.Refused, subject.Id, kvnr.Value, ReasonCode: decision.ReasonCode,
            Details: $"{{\"request_kind\":\"{request.RequestKind}\",\"direction\":\"{request.Direction}\",\"required\":\"{decision.RequiredLevel}\",\"achieved\":\"{decision.AchievedLevel}\""
                + (auth is null ? "" : $",\"authentication\":\"{auth.Id}\"")
                + (decision.RepresentationId is { } r ? $",\"representative\":\"{r}\"" : "") + "}")), cancellationToken).ConfigureAwait(false);
        return decision;
    }
}
