using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Persistence;

namespace Pforte.Core.Letters;

/// <summary>
/// Cancels a code letter that was not printed yet and whose code no longer exists (re-issued, deleted, blocked): it
/// would print a dead code, so it leaves the outbox together with its sealed code (on SQLite the freed bytes are
/// zeroed, secure_delete), and the cancellation is audited (<see cref="AuditAction.LetterCancelled"/>, naming the
/// letter, its kind and why). Before issue 11 such letters only lost their code and stayed queued forever.
/// </summary>
public static class LetterCancellation
{
    /// <summary>Reason id: a newer code (in a newer letter) replaced the one in this letter.</summary>
    public const string Superseded = "superseded";

    /// <summary>Inside the caller's transaction. False when the letter was already handed over (or is gone).</summary>
    public static async Task<bool> CancelUnprintedAsync(PforteDbContext db, AuditLog audit, Guid letterId, string reason, AuditContext context,
        Guid? supersededBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        var letter = await db.Letters.AsNoTracking().Where(l => l.Id == letterId && l.ExportedAt == null)
            .Select(l => new { l.KasseId, l.PersonId, l.Kvnr, l.Kind }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (letter is null
            || await db.Letters.Where(l => l.Id == letterId && l.ExportedAt == null).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return false;
        }
        var by = supersededBy is { } next ? $",\"superseded_by\":\"{next}\"" : "";
        await audit.AppendAsync(letter.KasseId, context, new AuditEvent(AuditAction.LetterCancelled, AuditOutcome.Success, letter.PersonId, letter.Kvnr,
            ReasonCode: reason, Details: $"{{\"letter\":\"{letterId}\",\"kind\":\"{letter.Kind}\"{by}}}"), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
