using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.Workspace;

public static class CodeReissueRequestStates
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}

/// <summary>
/// A staff re-issue beyond the automatic cap, waiting for a second staff member (a supervisor, not the requester) to
/// approve or reject it (four eyes). Holds the reason as the requester gave it; never a code.
/// </summary>
public sealed class CodeReissueRequest
{
    public const int StaffIdLength = 70;

    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    public required string Reason { get; set; }

    /// <summary>The requester's audit actor id ("staff:…").</summary>
    public required string RequestedBy { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public required string State { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The letter of the new code, once approved.</summary>
    public Guid? LetterId { get; set; }
}

public enum ReissueOutcomeKind
{
    /// <summary>Within the automatic cap: blocked and re-issued at once.</summary>
    Reissued = 1,

    /// <summary>Beyond the cap: waits for a supervisor.</summary>
    AwaitingApproval = 2,

    /// <summary>A supervisor rejected it.</summary>
    Rejected = 3,
}

public sealed record ReissueOutcome(ReissueOutcomeKind Kind, Guid? LetterId, Guid? RequestId);

/// <summary>A pending request as the supervisor's list shows it.</summary>
public sealed record PendingReissue(Guid Id, Guid PersonId, string Kvnr, string FamilyName, string GivenName, string Reason, string RequestedBy, DateTimeOffset RequestedAt);

/// <summary>
/// Code re-issue from the workspace (reason required). Within the automatic cap (<see cref="AuthCodeOptions.AutoReissueCap"/>
/// re-issues per <see cref="AuthCodeOptions.AutoReissuePeriod"/>, or the code locked because the cap was reached) the
/// agent re-issues at once; beyond it the request waits until a supervisor other than the requester approves it.
/// </summary>
public sealed class CodeReissueRequests(PforteDbContext db, ReissueAuthCode reissue, DecideDisclosure disclosure, AuditLog audit, IOptions<AuthCodeOptions> options, TimeProvider clock)
{
    public const string SupervisorRole = "supervisor";

    private readonly AuthCodeOptions _options = options.Value;

    /// <summary>Whether a re-issue for this person now needs a supervisor's approval.</summary>
    public async Task<bool> NeedsApprovalAsync(Guid personId, CancellationToken cancellationToken = default)
    {
        var code = await db.AuthCodes.AsNoTracking().Where(a => a.PersonId == personId).Select(a => new { a.State, a.Reason }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (code is { State: AuthCodeState.Locked, Reason: AuthCodeReasons.ReissueCapReached })
        {
            return true;
        }
        var since = clock.GetUtcNow() - _options.AutoReissuePeriod;
        var reissues = await db.Letters.AsNoTracking().CountAsync(l => l.PersonId == personId && (l.Kind == LetterKinds.CodeReissuedAfterLock || l.Kind == LetterKinds.CodeReissued)
            && l.QueuedAt > since, cancellationToken).ConfigureAwait(false);
        return reissues >= _options.AutoReissueCap;
    }

    /// <summary>
    /// The agent's request. The person must be authenticated on the screen's channel for a new code (the guidance's
    /// decision, recorded); then within the cap the code is re-issued, beyond it a pending request is stored.
    /// </summary>
    public async Task<Result<ReissueOutcome>> RequestAsync(Guid kasseId, Guid personId, Guid? authenticationId, string? reason, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TextInput.Required("reason", reason, ReissueAuthCode.MaxReasonLength, new Error(ErrorCodes.ReissueReasonMissing)).TryGetValue(out var cleanReason, out var error))
        {
            return error;
        }
        var kvnr = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Id == personId).Select(p => p.Kvnr).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (kvnr is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        var decided = await disclosure.ExecuteAsync(kasseId, new DecideRequest(authenticationId, context.Channel, RequestKinds.NewAuthCode, "inbound", kvnr), context, cancellationToken).ConfigureAwait(false);
        if (!decided.TryGetValue(out var decision, out error))
        {
            return error;
        }
        if (!decision.Allowed)
        {
            return new Error(ErrorCodes.WsActionNotAllowed, decision.Explanation);
        }
        if (!await NeedsApprovalAsync(personId, cancellationToken).ConfigureAwait(false))
        {
            var done = await reissue.ExecuteAsync(kasseId, kvnr, cleanReason, context, cancellationToken).ConfigureAwait(false);
            return done.TryGetValue(out var letter, out error) ? new ReissueOutcome(ReissueOutcomeKind.Reissued, letter.Id, null) : error;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (await db.Set<CodeReissueRequest>().AnyAsync(r => r.PersonId == personId && r.State == CodeReissueRequestStates.Pending, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.WsReissueAlreadyPending);
        }
        var request = new CodeReissueRequest
        {
            Id = Guid.CreateVersion7(), KasseId = kasseId, PersonId = personId, Reason = cleanReason, RequestedBy = Truncate(context.ActorId),
            RequestedAt = clock.GetUtcNow(), State = CodeReissueRequestStates.Pending,
        };
        db.Set<CodeReissueRequest>().Add(request);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.CodeReissueRequested, AuditOutcome.Info, personId, kvnr,
            Details: System.Text.Json.JsonSerializer.Serialize(new { request = request.Id, reason = cleanReason })), cancellationToken).ConfigureAwait(false);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Another agent's request for the same person was stored between the check above and this insert: the unique
            // index on the pending state (ix_code_reissue_requests_pending) refused the second one; nothing is kept.
            db.ChangeTracker.Clear();
            return new Error(ErrorCodes.WsReissueAlreadyPending);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ReissueOutcome(ReissueOutcomeKind.AwaitingApproval, null, request.Id);
    }

    /// <summary>The pending requests of the Kasse, oldest first.</summary>
    public async Task<IReadOnlyList<PendingReissue>> PendingAsync(Guid kasseId, CancellationToken cancellationToken = default) =>
        await (from r in db.Set<CodeReissueRequest>().AsNoTracking()
               join p in db.InsuredPersons.AsNoTracking() on r.PersonId equals p.Id
               where r.KasseId == kasseId && r.State == CodeReissueRequestStates.Pending
               orderby r.RequestedAt
               select new PendingReissue(r.Id, r.PersonId, p.Kvnr, p.FamilyName, p.GivenName, r.Reason, r.RequestedBy, r.RequestedAt))
            .Take(200).ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The pending request for one person, if any.</summary>
    public Task<Guid?> PendingForAsync(Guid personId, CancellationToken cancellationToken = default) =>
        db.Set<CodeReissueRequest>().AsNoTracking().Where(r => r.PersonId == personId && r.State == CodeReissueRequestStates.Pending)
            .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// A second staff member decides: only a supervisor, never the requester (four eyes). Approving re-issues the code
    /// with the requester's reason; both are audited, and so is a refused attempt.
    /// </summary>
    public async Task<Result<ReissueOutcome>> DecideAsync(Guid kasseId, Guid requestId, bool approve, IReadOnlySet<string> deciderRoles, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deciderRoles);
        ArgumentNullException.ThrowIfNull(context);
        var request = await db.Set<CodeReissueRequest>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId && r.KasseId == kasseId, cancellationToken).ConfigureAwait(false);
        if (request is not { State: CodeReissueRequestStates.Pending })
        {
            return new Error(ErrorCodes.WsReissueRequestUnknown);
        }
        var kvnr = await db.InsuredPersons.AsNoTracking().Where(p => p.Id == request.PersonId).Select(p => p.Kvnr).SingleAsync(cancellationToken).ConfigureAwait(false);
        var refusal = !deciderRoles.Contains(SupervisorRole) ? ("not-supervisor", ErrorCodes.WsFourEyesNotSupervisor)
            : string.Equals(Truncate(context.ActorId), request.RequestedBy, StringComparison.Ordinal) ? ("same-staff", ErrorCodes.WsFourEyesSameStaff)
            : default((string, string)?);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (refusal is { } refused)
        {
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.CodeReissueFourEyesRefused, AuditOutcome.Refused, request.PersonId, kvnr,
                ReasonCode: refused.Item1, Details: $"{{\"request\":\"{request.Id}\"}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Error(refused.Item2);
        }
        // Claim the request atomically: two supervisors deciding at once cannot both act.
        var now = clock.GetUtcNow();
        var claimed = await db.Set<CodeReissueRequest>().Where(r => r.Id == requestId && r.State == CodeReissueRequestStates.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, approve ? CodeReissueRequestStates.Approved : CodeReissueRequestStates.Rejected)
                .SetProperty(r => r.DecidedBy, Truncate(context.ActorId)).SetProperty(r => r.DecidedAt, now), cancellationToken).ConfigureAwait(false);
        if (claimed == 0)
        {
            return new Error(ErrorCodes.WsReissueRequestUnknown);
        }
        var details = System.Text.Json.JsonSerializer.Serialize(new { request = request.Id, requester = request.RequestedBy });
        await audit.AppendAsync(kasseId, context, new AuditEvent(approve ? AuditAction.CodeReissueApproved : AuditAction.CodeReissueRejected, AuditOutcome.Success,
            request.PersonId, kvnr, Details: details), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (!approve)
        {
            return new ReissueOutcome(ReissueOutcomeKind.Rejected, null, request.Id);
        }
        // The claim is committed first (a second supervisor finds it decided); the re-issue runs in its own transaction.
        // Should it be refused (the person is no longer eligible), the request waits again.
        var done = await reissue.ExecuteAsync(kasseId, kvnr, request.Reason, context, cancellationToken).ConfigureAwait(false);
        if (!done.TryGetValue(out var letter, out var error))
        {
            try
            {
                await db.Set<CodeReissueRequest>().Where(r => r.Id == requestId).ExecuteUpdateAsync(s => s.SetProperty(r => r.State, CodeReissueRequestStates.Pending)
                    .SetProperty(r => r.DecidedBy, (string?)null).SetProperty(r => r.DecidedAt, (DateTimeOffset?)null), cancellationToken).ConfigureAwait(false);
            }
            catch (System.Data.Common.DbException)
            {
                // A newer request for the person is pending meanwhile (one pending per person): that one waits instead.
            }
            return error;
        }
        await db.Set<CodeReissueRequest>().Where(r => r.Id == requestId).ExecuteUpdateAsync(s => s.SetProperty(r => r.LetterId, letter.Id), cancellationToken).ConfigureAwait(false);
        return new ReissueOutcome(ReissueOutcomeKind.Reissued, letter.Id, request.Id);
    }

    private static string Truncate(string actorId) => actorId.Length <= CodeReissueRequest.StaffIdLength ? actorId : actorId[..CodeReissueRequest.StaffIdLength];
}
