using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Letters;

public sealed record LetterReturnedResult(Guid LetterId, string Kind, DateTimeOffset ReturnedAt, bool CodeBlocked, bool AlreadyMarked);

/// <summary>
/// Returned mail (issue 4): the letter came back undeliverable. The address is then undeliverable for this person —
/// the export holds every further letter to it until the address changes — and a code that went (or would go) to it
/// is blocked: state "none" with reason <c>letter-returned</c>, which the daily issue run respects.
/// </summary>
public sealed class MarkLetterReturned(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <param name="kasseId">The caller's Kasse (API); null for the operator's CLI, which sees all Kassen.</param>
    public async Task<Result<LetterReturnedResult>> ExecuteAsync(Guid? kasseId, Guid letterId, AuditContext context, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var letter = await db.Letters.AsTracking().SingleOrDefaultAsync(l => l.Id == letterId && (kasseId == null || l.KasseId == kasseId), cancellationToken).ConfigureAwait(false);
        if (letter is null)
        {
            return new Error(ErrorCodes.LetterNotFound);
        }
        if (letter.ExportedAt is null)
        {
            return new Error(ErrorCodes.LetterNotHandedOver);
        }
        if (letter.ReturnedAt is { } earlier)
        {
            return new LetterReturnedResult(letter.Id, letter.Kind, earlier, CodeBlocked: false, AlreadyMarked: true);
        }
        var now = clock.GetUtcNow();
        if (letter.Kind == LetterKinds.PortalActivation)
        {
            await Accounts.PortalActivationLetters.VoidForLettersAsync(db, [letter.Id], now, cancellationToken).ConfigureAwait(false);
        }
        letter.ReturnedAt = now;

        var blocked = false;
        var code = await db.AuthCodes.AsTracking().SingleOrDefaultAsync(a => a.PersonId == letter.PersonId, cancellationToken).ConfigureAwait(false);
        if (code is { State: AuthCodeState.Active or AuthCodeState.Pending })
        {
            // The current code went out in this letter (it is the person's latest code letter), or is about to go
            // to the same dead address: either way nobody but a stranger can read it.
            var latestCodeLetter = await db.Letters.AsNoTracking()
                .Where(l => l.PersonId == letter.PersonId && (l.Kind == LetterKinds.CodeFirst || l.Kind == LetterKinds.CodeReissued || l.Kind == LetterKinds.CodeReissuedAfterLock))
                .OrderByDescending(l => l.QueuedAt).ThenByDescending(l => l.Id).Select(l => l.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var pendingToSameAddress = code.PendingLetterId is { } pending && await db.Letters.AnyAsync(l => l.Id == pending
                && l.Street == letter.Street && l.HouseNumber == letter.HouseNumber && l.PostalCode == letter.PostalCode && l.City == letter.City && l.Country == letter.Country,
                cancellationToken).ConfigureAwait(false);
            if ((LetterKinds.CarriesCode(letter.Kind) && latestCodeLetter == letter.Id) || pendingToSameAddress)
            {
                if (code.PendingLetterId is { } pendingLetter)
                {
                    await LetterCancellation.CancelUnprintedAsync(db, audit, pendingLetter, AuthCodeReasons.LetterReturned, context, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                code.State = AuthCodeState.None;
                code.CodeHash = null;
                code.PendingLetterId = null;
                code.Failures = 0;
                code.StateSince = now;
                code.Reason = AuthCodeReasons.LetterReturned;
                blocked = true;
                await audit.AppendAsync(letter.KasseId, context, new AuditEvent(AuditAction.CodeDeleted, AuditOutcome.Success, letter.PersonId, letter.Kvnr,
                    ReasonCode: AuthCodeReasons.LetterReturned, Details: $"{{\"letter\":\"{letter.Id}\"}}"), cancellationToken).ConfigureAwait(false);
            }
        }
        await audit.AppendAsync(letter.KasseId, context, new AuditEvent(AuditAction.LetterReturned, AuditOutcome.Success, letter.PersonId, letter.Kvnr,
            Details: $"{{\"letter\":\"{letter.Id}\",\"kind\":\"{letter.Kind}\",\"code_blocked\":{(blocked ? "true" : "false")}}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new LetterReturnedResult(letter.Id, letter.Kind, now, blocked, AlreadyMarked: false);
    }
}

/// <summary>A person's letters for staff: kind and dates only, never content (and so never a code).</summary>
public sealed class ListPersonLetters(PforteDbContext db)
{
    public async Task<Result<IReadOnlyList<LetterSummary>>> ExecuteAsync(Guid kasseId, string kvnr, CancellationToken cancellationToken = default)
    {
        if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var error))
        {
            return error;
        }
        var personId = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Kvnr == parsed.Value).Select(p => (Guid?)p.Id)
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (personId is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        var letters = await db.Letters.AsNoTracking().Where(l => l.PersonId == personId).OrderBy(l => l.QueuedAt).ThenBy(l => l.Id)
            .Select(l => new LetterSummary(l.Id, l.Kind, l.QueuedAt, l.ExportedAt, l.BatchId, l.ReturnedAt))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return letters;
    }
}
