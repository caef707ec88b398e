using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

public enum ChangeStatus
{
    Changed = 1,
    Failed = 2,
    Throttled = 3,
    Weak = 4,

    /// <summary>Refused before anything was counted (<see cref="VerifyOutcome.Error"/> of <see cref="ChangeOutcome.Verification"/>).</summary>
    Invalid = 5,
}

public sealed record ChangeOutcome(ChangeStatus Status, VerifyOutcome Verification, string? WeakRule);

/// <summary>
/// The person changes the code (domain.md §5.4): verified exactly like a verification (a failure counts), then the new
/// code must pass the weak-code rules — including "not the previous code". On success the old code is gone, the new
/// one is active at once (the person chose it; no letter carries it), and a confirmation without code is sent so that
/// a change the person did not make is noticed.
/// </summary>
public sealed class ChangeAuthCode(PforteDbContext db, VerifyAuthCode verify, SourceThrottle throttle, CodeHasher hasher, LetterOutbox outbox, AuditLog audit, AuthCodeMetrics metrics, TimeProvider clock)
{
    public async Task<ChangeOutcome> ExecuteAsync(Guid kasseId, Guid clientId, VerifyRequest request, string newCode, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(newCode);
        if (!MachineSource.Normalize(new VerifyAttempt(kasseId, clientId, request, context)).TryGetValue(out var attempt, out var invalid))
        {
            return new ChangeOutcome(ChangeStatus.Invalid, VerifyOutcome.Invalid(invalid), null);
        }
        if (newCode is not { Length: 4 } || !newCode.All(char.IsAsciiDigit))
        {
            return new ChangeOutcome(ChangeStatus.Invalid, VerifyOutcome.Invalid(new Common.Error(Common.ErrorCodes.MachineAuthNewCodeFormat)), null);
        }
        request = attempt.Request;
        context = attempt.Context;
        if (await throttle.BlockedForAsync(attempt.Sources, cancellationToken).ConfigureAwait(false) is { } wait)
        {
            metrics.Attempt("throttled");
            return new ChangeOutcome(ChangeStatus.Throttled, VerifyOutcome.Throttled(wait), null);
        }

        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var verification = (await verify.ApplyAsync([attempt], cancellationToken).ConfigureAwait(false))[0];
        ChangeOutcome outcome;
        if (verification.Status != VerifyStatus.Verified)
        {
            await verify.TouchAsync(null, cancellationToken).ConfigureAwait(false);
            await throttle.RecordFailuresAsync([new FailedAttemptSource(kasseId, clientId, attempt.Sources, request.Kvnr.Value, context)], cancellationToken).ConfigureAwait(false);
            outcome = new ChangeOutcome(ChangeStatus.Failed, verification, null);
        }
        else
        {
            var personId = verification.PersonId!.Value;
            var person = await db.InsuredPersons.AsNoTracking().SingleAsync(p => p.Id == personId, cancellationToken).ConfigureAwait(false);
            var card = await db.HealthCards.AsNoTracking().Where(c => c.PersonId == personId && c.EndedAt == null)
                .Select(c => c.CardNumber).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var rule = string.Equals(newCode, request.Code, StringComparison.Ordinal)
                ? WeakCodes.PreviousCode
                : WeakCodes.Check(newCode, CodeIssuer.Facts(person, card));
            if (rule is not null)
            {
                await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.CodeChangeRefused, AuditOutcome.Refused, personId, person.Kvnr,
                    ReasonCode: "weak:" + rule), cancellationToken).ConfigureAwait(false);
                outcome = new ChangeOutcome(ChangeStatus.Weak, verification, rule);
            }
            else
            {
                var hash = hasher.Hash(personId, newCode);
                var row = db.AuthCodes.Local.Single(a => a.PersonId == personId); // locked by the verification
                row.State = AuthCodeState.Active;
                row.CodeHash = hash.Hash;
                row.KeyVersion = hash.KeyVersion;
                row.Failures = 0;
                row.StateSince = clock.GetUtcNow();
                row.PendingLetterId = null;
                row.Reason = AuthCodeReasons.Changed;
                // The confirmation says how the code was changed (phone or portal), so that a change the person did not make stands out.
                var letter = await outbox.QueueAsync(person, LetterKinds.CodeChangedVia(request.Channel), context, audited: false, cancellationToken: cancellationToken).ConfigureAwait(false);
                await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.CodeChanged, AuditOutcome.Success, personId, person.Kvnr,
                    Details: $"{{\"letter\":\"{letter.Id}\",\"key_version\":{hash.KeyVersion}}}"), cancellationToken).ConfigureAwait(false);
                outcome = new ChangeOutcome(ChangeStatus.Changed, verification, null);
            }
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        metrics.Attempt(verification.Status == VerifyStatus.Verified ? "verified" : "failed");
        if (verification.Failure == VerifyFailure.WrongCodeNowLocked)
        {
            metrics.Locked();
        }
        return outcome;
    }
}
