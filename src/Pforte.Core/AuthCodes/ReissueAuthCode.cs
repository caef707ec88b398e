using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// Re-issue on request (domain.md §5.5): staff, having authenticated the person another way, block the old code at
/// once and have a new one sent. They never learn the new code. Only for persons who are eligible.
/// </summary>
public sealed class ReissueAuthCode(PforteDbContext db, CodeIssuer issuer, AuditLog audit, TimeProvider clock)
{
    public const int MaxReasonLength = 500;

    public async Task<Result<OutboxLetter>> ExecuteAsync(Guid kasseId, string kvnr, string? reason, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var error))
        {
            return error;
        }
        if (!TextInput.Required("reason", reason, MaxReasonLength, new Error(ErrorCodes.ReissueReasonMissing)).TryGetValue(out var cleanReason, out error))
        {
            return error;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == parsed.Value, cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        var eligibility = CodeEligibility.Evaluate(person, BerlinCalendar.Today(clock));
        if (!eligibility.Eligible)
        {
            return new Error(ErrorCodes.ReissueNotEligible, eligibility.Explanation);
        }
        var letter = await issuer.IssueAsync(person, LetterKinds.CodeReissued, AuthCodeReasons.StaffReissue, context, cancellationToken: cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.CodeReissuedByStaff, AuditOutcome.Success, person.Id, person.Kvnr,
            ReasonCode: AuthCodeReasons.StaffReissue, Details: System.Text.Json.JsonSerializer.Serialize(new { letter = letter.Id, reason = cleanReason })), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return letter;
    }
}
