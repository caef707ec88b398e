using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// The N-th failure locks (inside the verifying transaction, which holds the code row's lock): the code is deleted
/// and a new one goes out by letter — unless the person already had <see cref="AuthCodeOptions.AutoReissueCap"/>
/// automatic re-issues within the period. Each forced lock hands an attacker fresh guesses, so beyond the cap the code
/// stays locked, a notice without a code is sent, and staff see the case (security.md, "lockout as a weapon").
/// </summary>
public sealed class CodeLockout(PforteDbContext db, CodeIssuer issuer, LetterOutbox outbox, AuditLog audit, IOptions<AuthCodeOptions> options, TimeProvider clock)
{
    private readonly AuthCodeOptions _options = options.Value;

    public async Task LockAsync(Guid personId, int failures, AuditContext context, CancellationToken cancellationToken)
    {
        var person = await db.InsuredPersons.AsNoTracking().SingleAsync(p => p.Id == personId, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var since = now - _options.AutoReissuePeriod;
        var reissues = await db.Letters.AsNoTracking()
            .CountAsync(l => l.PersonId == personId && l.Kind == LetterKinds.CodeReissuedAfterLock && l.QueuedAt > since, cancellationToken).ConfigureAwait(false);

        await audit.AppendAsync(person.KasseId, context, new AuditEvent(AuditAction.CodeLocked, AuditOutcome.Info, person.Id, person.Kvnr,
            ReasonCode: AuthCodeReasons.TooManyFailures, Details: $"{{\"failures\":{failures},\"auto_reissues_in_period\":{reissues}}}"), cancellationToken).ConfigureAwait(false);

        if (reissues < _options.AutoReissueCap)
        {
            await issuer.IssueAsync(person, LetterKinds.CodeReissuedAfterLock, AuthCodeReasons.TooManyFailures, context, cancellationToken: cancellationToken).ConfigureAwait(false);
            var row = db.AuthCodes.Local.Single(a => a.PersonId == personId);
            row.LockedAt = now;
            return;
        }

        var code = await db.AuthCodes.AsTracking().SingleAsync(a => a.PersonId == personId, cancellationToken).ConfigureAwait(false);
        code.State = AuthCodeState.Locked;
        code.CodeHash = null;
        code.PendingLetterId = null;
        code.StateSince = now;
        code.LockedAt = now;
        code.Reason = AuthCodeReasons.ReissueCapReached;
        await outbox.QueueAsync(person, LetterKinds.CodeLocked, context, cancellationToken: cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(person.KasseId, context, new AuditEvent(AuditAction.CodeReissueCapReached, AuditOutcome.Refused, person.Id, person.Kvnr,
            ReasonCode: AuthCodeReasons.ReissueCapReached, Details: $"{{\"cap\":{_options.AutoReissueCap},\"period_days\":{_options.AutoReissuePeriod.TotalDays}}}"), cancellationToken).ConfigureAwait(false);
    }
}
