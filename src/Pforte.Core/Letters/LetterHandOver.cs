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
/// dies before the commit, nothing changed and the letters are handed over by the next run. A batch costs a few
/// statements whatever its size (the roll-out hands over batches of 20,000): one update of the letters, the code
/// activations in bulk (<see cref="CodeActivation"/>), and the audit entries written with <see cref="BulkAudit"/>.
/// </summary>
public sealed class LetterHandOver(PforteDbContext db, CodeSealer sealer, AuditLog audit, TimeProvider clock)
{
    public async Task<int> HandOverAsync(IReadOnlyList<Guid> letterIds, Guid batchId, Func<IReadOnlyList<LetterForPrint>, CancellationToken, Task> writeFiles, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letterIds);
        ArgumentNullException.ThrowIfNull(writeFiles);
        // One parameter holding the whole list (SQLite would refuse tens of thousands of separate parameters).
        var letters = (await db.Letters.AsNoTracking().Where(l => EF.Parameter(letterIds).Contains(l.Id) && l.ExportedAt == null)
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
        var marked = await db.Letters.Where(l => EF.Parameter(ids).Contains(l.Id) && l.ExportedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.SealedCode, (byte[]?)null).SetProperty(l => l.ExportedAt, now).SetProperty(l => l.BatchId, batchId), cancellationToken)
            .ConfigureAwait(false);
        if (marked != ids.Count)
        {
            // Another exporter took some of them meanwhile: this batch must not count (nothing is printed twice).
            throw new InvalidOperationException($"Batch {batchId}: {ids.Count - marked} of {ids.Count} letters were handed over by another run.");
        }
        var codeLetters = forPrint.Where(l => l.Code is not null).Select(l => l.Letter).ToList();
        var activated = await CodeActivation.ActivateAsync(db, codeLetters.Select(l => (l.PersonId, l.Id)).ToList(), now, cancellationToken).ConfigureAwait(false);
        var entries = await BulkAudit.AppendAsync(db, audit, context, codeLetters.Where(l => activated.Contains(l.Id))
            .Select(l => (l.KasseId, new AuditEvent(AuditAction.CodeActivated, AuditOutcome.Success, l.PersonId, l.Kvnr, Details: $"{{\"letter\":\"{l.Id}\",\"batch\":\"{batchId}\"}}")))
            .ToList(), cancellationToken).ConfigureAwait(false);
        foreach (var kasse in letters.GroupBy(l => l.KasseId))
        {
            await audit.AppendAsync(kasse.Key, context, new AuditEvent(AuditAction.LetterHandedOver, AuditOutcome.Success,
                Details: $"{{\"batch\":\"{batchId}\",\"letters\":{kasse.Count()}}}"), cancellationToken).ConfigureAwait(false);
        }
        await BulkAudit.WriteAsync(db, entries, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return letters.Count;
    }
}
