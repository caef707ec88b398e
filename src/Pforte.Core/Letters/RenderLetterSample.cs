using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Letters;

/// <summary>
/// A sample of a letter kind for quality checks (<c>pforte letters sample</c>, the back office's letters QA): the
/// kind's real text and layout with made-up sender, recipient and KVNR, a watermark, and dots where the code box
/// holds a code — never a real code, never a real person.
/// </summary>
public sealed class RenderLetterSample(ILetterRenderer renderer, TimeProvider clock, PforteDbContext? db = null, AuditLog? audit = null)
{
    public const string Watermark = "MUSTER – kein gültiger Brief";

    /// <summary>What stands in the code box of a sample: no digit at all.</summary>
    public const string CodePlaceholder = "••••";

    public static LetterRenderModel Compose(string kind, DateOnly date) => LetterTexts.Compose(kind,
        new Letterhead("Muster-Krankenkasse", "Beispielweg 1", "12345 Musterstadt", "109999999"),
        new LetterAddress("Jürgen", "Müller-Weiß", "Große Straße", "12a", "80331", "München", "DE"),
        "A123456780", date, Guid.Empty.ToString("N"), LetterKinds.CarriesCode(kind) ? CodePlaceholder : null, watermark: Watermark);

    /// <summary>Writes the sample PDF of <paramref name="kind"/>; an unknown kind writes nothing.</summary>
    public Result<int> Render(string kind, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!LetterKinds.All.Contains(kind, StringComparer.Ordinal))
        {
            return new Error(ErrorCodes.LetterKindUnknown, string.Join(", ", LetterKinds.All));
        }
        return renderer.Render([Compose(kind, BerlinCalendar.Today(clock))], output)[0];
    }

    /// <summary>As <see cref="Render"/>, for a staff member: recorded (10204) with the kind, in their Kasse's audit record.</summary>
    public async Task<Result<int>> RenderAsync(Guid kasseId, string kind, AuditContext context, Stream output, CancellationToken cancellationToken = default)
    {
        if (db is null || audit is null)
        {
            throw new InvalidOperationException("Recording a sample needs the database.");
        }
        if (!LetterKinds.All.Contains(kind, StringComparer.Ordinal))
        {
            return new Error(ErrorCodes.LetterKindUnknown, string.Join(", ", LetterKinds.All));
        }
        await using (var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.LetterSampleRendered, AuditOutcome.Info,
                Details: System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["kind"] = kind })), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return Render(kind, output);
    }
}
