using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Letters;

/// <summary>Where a letter stands, as the print service and staff see it.</summary>
public static class LetterStates
{
    /// <summary>In the outbox, not yet handed over to print.</summary>
    public const string Queued = "queued";

    /// <summary>Handed over in a print batch.</summary>
    public const string HandedOver = "handed-over";

    /// <summary>Came back undeliverable (<see cref="MarkLetterReturned"/>).</summary>
    public const string Returned = "returned";

    public static string Of(DateTimeOffset? exportedAt, DateTimeOffset? returnedAt) =>
        returnedAt is not null ? Returned : exportedAt is not null ? HandedOver : Queued;
}

/// <summary>A letter's state: kind and dates only — never the address, the content or a code.</summary>
public sealed record LetterStatus(Guid LetterId, string Kind, string State, DateTimeOffset QueuedAt, DateTimeOffset? HandedOverAt, Guid? BatchId, DateTimeOffset? ReturnedAt);

/// <summary>A print batch of one Kasse: when it was handed over and the state of each of its letters.</summary>
public sealed record BatchStatus(Guid BatchId, DateTimeOffset HandedOverAt, int LetterCount, int ReturnedCount, IReadOnlyList<LetterStatus> Letters);

/// <summary>
/// Letter status for the print service (scope <c>letters</c>): one letter, or one batch with its letters, always of the
/// caller's Kasse — another Kasse's letter or batch does not exist for it (404). A batch holds at most the hand-over's
/// batch size (20,000 letters), so it is answered whole.
/// </summary>
public sealed class ReadLetterStatus(PforteDbContext db)
{
    public async Task<Result<LetterStatus>> LetterAsync(Guid kasseId, string? letterId, CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(letterId, out var id))
        {
            return new Error(ErrorCodes.LetterIdInvalid, letterId ?? "");
        }
        var status = await Select(db.Letters.AsNoTracking().Where(l => l.Id == id && l.KasseId == kasseId))
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return status is null ? new Error(ErrorCodes.LetterNotFound) : Finish(status);
    }

    public async Task<Result<BatchStatus>> BatchAsync(Guid kasseId, string? batchId, CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(batchId, out var id))
        {
            return new Error(ErrorCodes.LetterBatchIdInvalid, batchId ?? "");
        }
        var letters = await Select(db.Letters.AsNoTracking().Where(l => l.BatchId == id && l.KasseId == kasseId).OrderBy(l => l.Id))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (letters.Count == 0)
        {
            return new Error(ErrorCodes.LetterBatchNotFound);
        }
        var states = letters.Select(Finish).ToList();
        return new BatchStatus(id, states.Min(l => l.HandedOverAt!.Value), states.Count, states.Count(l => l.State == LetterStates.Returned), states);
    }

    private static IQueryable<LetterStatus> Select(IQueryable<OutboxLetter> letters) =>
        letters.Select(l => new LetterStatus(l.Id, l.Kind, "", l.QueuedAt, l.ExportedAt, l.BatchId, l.ReturnedAt));

    private static LetterStatus Finish(LetterStatus s) => s with { State = LetterStates.Of(s.HandedOverAt, s.ReturnedAt) };
}
