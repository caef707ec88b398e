using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.Portal;

/// <summary>A letter as the person sees it in the portal: kind and dates, and whether a copy may be downloaded.</summary>
public sealed record PortalLetter(Guid Id, string Kind, string State, DateTimeOffset QueuedAt, DateTimeOffset? SentAt, DateTimeOffset? ReturnedAt, bool CopyAvailable);

/// <summary>A PDF copy of a letter without code.</summary>
public sealed record LetterCopy(Guid LetterId, string Kind, byte[] Pdf, string FileName);

/// <summary>
/// The person's letters (date, kind) and PDF copies of the ones that carry no code, rendered again from the outbox
/// row with the same renderer the print hand-over uses and marked as a copy. A letter that carries a code — an
/// authentication code, an activation code, any kind whose text has a code box — never has a copy: the clear code
/// is gone after the hand-over, and must never be printed again anyway (security.md). A letter id that is not the
/// person's answers exactly like one that does not exist (PF-PORT-001).
/// </summary>
public sealed class PortalLetters(PforteDbContext db, ILetterRenderer renderer, AuditLog audit)
{
    public const string CopyWatermark = "KOPIE aus dem Portal – kein Original";

    /// <summary>
    /// Whether a kind carries a secret: the code kinds, any kind whose text has a code box, and any kind Pforte does
    /// not know a text for (a new kind is refused until someone decides, rather than copied by accident).
    /// </summary>
    public static bool CarriesSecret(string kind) =>
        LetterKinds.CarriesCode(kind)
        || !LetterKinds.All.Contains(kind, StringComparer.Ordinal)
        || LetterTexts.For(kind).Paragraphs.Contains(LetterTexts.CodeMarker, StringComparer.Ordinal);

    public async Task<IReadOnlyList<PortalLetter>> ListAsync(Guid kasseId, Guid personId, CancellationToken cancellationToken = default)
    {
        var letters = await db.Letters.AsNoTracking().Where(l => l.KasseId == kasseId && l.PersonId == personId)
            .OrderByDescending(l => l.QueuedAt).ThenByDescending(l => l.Id)
            .Select(l => new { l.Id, l.Kind, l.QueuedAt, l.ExportedAt, l.ReturnedAt })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return letters.Select(l => new PortalLetter(l.Id, l.Kind, LetterStates.Of(l.ExportedAt, l.ReturnedAt), l.QueuedAt, l.ExportedAt, l.ReturnedAt, !CarriesSecret(l.Kind))).ToList();
    }

    public async Task<Result<LetterCopy>> CopyAsync(Guid kasseId, Guid personId, string? letterId, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(letterId, out var id))
        {
            return new Error(ErrorCodes.PortalNotFound);
        }
        var letter = await db.Letters.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id && l.KasseId == kasseId && l.PersonId == personId, cancellationToken).ConfigureAwait(false);
        if (letter is null)
        {
            return new Error(ErrorCodes.PortalNotFound);
        }
        if (CarriesSecret(letter.Kind) || letter.SealedCode is not null)
        {
            return new Error(ErrorCodes.PortalLetterCopyCarriesCode);
        }
        var kasse = await db.Kassen.AsNoTracking().SingleAsync(k => k.Id == kasseId, cancellationToken).ConfigureAwait(false);
        // The date printed on the original: the day it was handed over to print (or queued, while it waits).
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(letter.ExportedAt ?? letter.QueuedAt, BerlinCalendar.Zone).DateTime);
        var model = ExportLetters.Compose(new LetterForPrint(letter, null), kasse, date, CopyWatermark);
        using var pdf = new MemoryStream();
        renderer.Render([model], pdf);

        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.LetterCopyProvided, AuditOutcome.Success, personId, letter.Kvnr,
            Details: $"{{\"letter\":\"{letter.Id}\",\"kind\":\"{letter.Kind}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new LetterCopy(letter.Id, letter.Kind, pdf.ToArray(), $"brief-{date:yyyy-MM-dd}-{letter.Kind}.pdf");
    }
}
