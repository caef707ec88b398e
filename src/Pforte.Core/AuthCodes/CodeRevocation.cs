using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// Losing eligibility (insurance ended, death) deletes the code, audited (domain.md §5.1) — at once when the core
/// system reports it through the import or the API, and in the daily run for ends that lay in the future then.
/// </summary>
public static class CodeRevocation
{
    /// <summary>Deletes the person's code if they are not eligible on <paramref name="now"/>'s Berlin day. Inside the caller's transaction.</summary>
    public static async Task<bool> RevokeIfIneligibleAsync(PforteDbContext db, AuditLog audit, InsuredPerson person, DateTimeOffset now, AuditContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(person);
        var eligibility = CodeEligibility.Evaluate(person, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, BerlinCalendar.Zone).DateTime));
        if (eligibility.Eligible)
        {
            return false;
        }
        var row = db.AuthCodes.Local.FirstOrDefault(a => a.PersonId == person.Id)
            ?? await db.AuthCodes.AsTracking().SingleOrDefaultAsync(a => a.PersonId == person.Id, cancellationToken).ConfigureAwait(false);
        if (row is null || row.State is not (AuthCodeState.Active or AuthCodeState.Pending))
        {
            return false;
        }
        var reason = eligibility.Reason switch
        {
            IneligibilityReason.InsuranceEnded => AuthCodeReasons.InsuranceEnded,
            IneligibilityReason.Deceased => AuthCodeReasons.Deceased,
            _ => AuthCodeReasons.NoLongerEligible,
        };
        if (row.PendingLetterId is { } letterId)
        {
            // The letter would print a code that no longer exists: cancel it (audited).
            await Letters.LetterCancellation.CancelUnprintedAsync(db, audit, letterId, reason, context, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        row.State = AuthCodeState.None;
        row.CodeHash = null;
        row.PendingLetterId = null;
        row.Failures = 0;
        row.StateSince = now;
        row.Reason = reason;
        await audit.AppendAsync(person.KasseId, context, new AuditEvent(AuditAction.CodeDeleted, AuditOutcome.Success, person.Id, person.Kvnr, ReasonCode: reason), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
