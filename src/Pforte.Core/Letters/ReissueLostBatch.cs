using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Letters;

/// <param name="Resent">Letters without a code in the batch, queued again as copies to the address the lost one went to.</param>
public sealed record ReissueBatchResult(Guid BatchId, int CodeLetters, int Reissued, int Skipped, int Resent = 0);

/// <summary>
/// A print batch lost in transit (issue 4): a letter is never exported twice with its code, so every code that went
/// out in the batch and is still the person's current code is blocked and replaced by a new one in a new letter.
/// Letters without a code (a notice that the code was changed or locked, an address-change confirmation to the old
/// address) are security notices the person must still get: each goes out again as a copy to the same address.
/// </summary>
public sealed class ReissueLostBatch(PforteDbContext db, CodeIssuer issuer, LetterOutbox outbox, AuditLog audit, TimeProvider clock)
{
    public Task<Result<ReissueBatchResult>> ExecuteAsync(Guid batchId, AuditContext context, CancellationToken cancellationToken = default) =>
        ExecuteAsync(null, batchId, context, cancellationToken);

    /// <summary>For staff of one Kasse (the workspace's batch re-issue): only that Kasse's letters of the batch count.</summary>
    public Task<Result<ReissueBatchResult>> ExecuteForKasseAsync(Guid kasseId, Guid batchId, AuditContext context, CancellationToken cancellationToken = default) =>
        ExecuteAsync(kasseId, batchId, context, cancellationToken);

    private async Task<Result<ReissueBatchResult>> ExecuteAsync(Guid? kasseId, Guid batchId, AuditContext context, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var letters = await db.Letters.AsNoTracking().Where(l => l.BatchId == batchId && (kasseId == null || l.KasseId == kasseId))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (letters.Count == 0)
        {
            return new Error(ErrorCodes.LetterBatchNotFound);
        }
        var today = BerlinCalendar.Today(clock);
        await Accounts.PortalActivationLetters.VoidForLettersAsync(db, [.. letters.Where(l => l.Kind == LetterKinds.PortalActivation).Select(l => l.Id)], clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        int codeLetters = 0, reissued = 0, skipped = 0;
        // An activation letter is not re-sent: its code is void (above), the person asks for a new one.
        foreach (var letter in letters.Where(l => LetterKinds.CarriesCode(l.Kind) && l.Kind != LetterKinds.PortalActivation))
        {
            codeLetters++;
            var latest = await db.Letters.AsNoTracking()
                .Where(l => l.PersonId == letter.PersonId && (l.Kind == LetterKinds.CodeFirst || l.Kind == LetterKinds.CodeReissued || l.Kind == LetterKinds.CodeReissuedAfterLock))
                .OrderByDescending(l => l.QueuedAt).ThenByDescending(l => l.Id).Select(l => l.Id).FirstAsync(cancellationToken).ConfigureAwait(false);
            var state = await db.AuthCodes.AsNoTracking().Where(a => a.PersonId == letter.PersonId).Select(a => (AuthCodeState?)a.State)
                .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.Id == letter.PersonId, cancellationToken).ConfigureAwait(false);
            // Superseded (a newer code letter exists), deleted or locked codes need nothing; neither do ineligible persons.
            if (latest != letter.Id || state is not AuthCodeState.Active || person is null || !CodeEligibility.Evaluate(person, today).Eligible)
            {
                skipped++;
                continue;
            }
            await issuer.IssueAsync(person, LetterKinds.CodeReissued, AuthCodeReasons.BatchLost, context, cancellationToken: cancellationToken).ConfigureAwait(false);
            reissued++;
        }
        var resent = 0;
        foreach (var letter in letters.Where(l => !LetterKinds.CarriesCode(l.Kind)))
        {
            var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.Id == letter.PersonId, cancellationToken).ConfigureAwait(false);
            if (person is null)
            {
                continue;
            }
            await outbox.QueueAsync(person, letter.Kind, context,
                address: new PostalAddress(letter.Street, letter.HouseNumber, letter.PostalCode, letter.City, letter.Country),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            resent++;
        }
        foreach (var kasse in letters.GroupBy(l => l.KasseId))
        {
            await audit.AppendAsync(kasse.Key, context, new AuditEvent(AuditAction.LetterBatchReissued, AuditOutcome.Success, ReasonCode: AuthCodeReasons.BatchLost,
                Details: $"{{\"batch\":\"{batchId}\",\"letters\":{kasse.Count()}}}"), cancellationToken).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ReissueBatchResult(batchId, codeLetters, reissued, skipped, resent);
    }
}
