using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Persistence;

namespace Pforte.Core.Letters;

/// <summary>A letter as the print hand-over sees it; <see cref="Code"/> is set for code letters only.</summary>
public sealed record LetterForPrint(OutboxLetter Letter, string? Code);

/// <summary>
/// The only place that unseals codes (security.md). The caller's writer puts the letters into print files and makes
/// them durable; only then, in one transaction, the sealed codes are cleared, the letters marked handed over and
/// their codes made usable (a new code is "letter pending" until this moment). If the writer fails or the process
/// dies before the commit, nothing changed and the letters are handed over by the next run.
/// </summary>
public sealed class LetterHandOver(PforteDbContext db, CodeSealer sealer, AuditLog audit, TimeProvider clock)
{
    public async Task<int> HandOverAsync(IReadOnlyList<Guid> letterIds, Guid batchId, Func<IReadOnlyList<LetterForPrint>, CancellationToken, Task> writeFiles, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letterIds);
        ArgumentNullException.ThrowIfNull(writeFiles);
        var letters = (await db.Letters.AsNoTracking().Where(l => letterIds.Contains(l.Id) && l.ExportedAt == null)
            .OrderBy(l => l.QueuedAt).ThenBy(l => l.Id).ToListAsync(cancellationToken).ConfigureAwait(false))
            // A code letter whose code was deleted meanwhile (eligibility ended, superseded) has nothing to print.
            .Where(l => !LetterKinds.CarriesCode(l.Kind) || l.SealedCode is not null).ToList();
        if (letters.Count == 0)
        {
            return 0;
        }
        var forPrint = letters.Select(l => new LetterForPrint(l, l.SealedCode is null ? null : sealer.Unseal(l.Id, l.SealedCode))).ToList();
        await writeFiles(forPrint, cancellationToken).ConfigureAwait(false);

        var now = clock.GetUtcNow();
        var ids = letters.Select(l => l.Id).ToList();
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var marked = await db.Letters.Where(l => ids.Contains(l.Id) && l.ExportedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.SealedCode, (byte[]?)null).SetProperty(l => l.ExportedAt, now).SetProperty(l => l.BatchId, batchId), cancellationToken)
            .ConfigureAwait(false);
        if (marked != ids.Count)
        {
            // Another exporter took some of them meanwhile: this batch must not count (nothing is printed twice).
            throw new InvalidOperationException($"Batch {batchId}: {ids.Count - marked} of {ids.Count} letters were handed over by another run.");
        }
        foreach (var letter in forPrint.Where(l => l.Code is not null).Select(l => l.Letter))
        {
            var activated = await db.AuthCodes
                .Where(a => a.PersonId == letter.PersonId && a.State == AuthCodeState.Pending && a.PendingLetterId == letter.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, AuthCodeState.Active).SetProperty(a => a.StateSince, now).SetProperty(a => a.PendingLetterId, (Guid?)null), cancellationToken)
                .ConfigureAwait(false);
            if (activated == 1)
            {
                await audit.AppendAsync(letter.KasseId, context, new AuditEvent(AuditAction.CodeActivated, AuditOutcome.Success, letter.PersonId, letter.Kvnr,
                    Details: $"{{\"letter\":\"{letter.Id}\",\"batch\":\"{batchId}\"}}"), cancellationToken).ConfigureAwait(false);
            }
        }
        foreach (var kasse in letters.GroupBy(l => l.KasseId))
        {
            await audit.AppendAsync(kasse.Key, context, new AuditEvent(AuditAction.LetterHandedOver, AuditOutcome.Success,
                Details: $"{{\"batch\":\"{batchId}\",\"letters\":{kasse.Count()}}}"), cancellationToken).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return letters.Count;
    }
}
