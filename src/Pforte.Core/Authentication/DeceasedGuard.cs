using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Authentication;

/// <summary>
/// Nobody can be authenticated as a person recorded as deceased — by any method. An attempt is refused
/// (<c>PF-AUTH-018</c>) and recorded: someone using a deceased person's identity is worth a look. (The machine
/// procedure needs no check here: death ends eligibility and deletes the code.) A person whose insurance ended is
/// still authenticated — they may ask about their past insurance.
/// </summary>
internal static class DeceasedGuard
{
    public static async Task<Error?> RefuseAsync(PforteDbContext db, AuditLog audit, Guid kasseId, InsuredPerson person, string method, AuditContext context, CancellationToken cancellationToken)
    {
        if (person.DeceasedOn is null)
        {
            return null;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.AuthenticationRefusedDeceased, AuditOutcome.Refused, person.Id, person.Kvnr,
            ReasonCode: "deceased", Details: $"{{\"method\":\"{method}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new Error(ErrorCodes.AuthPersonDeceased);
    }
}
