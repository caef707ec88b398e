namespace Pforte.Core.Letters;

/// <summary>The sender as printed in the letterhead, the return line and the footer.</summary>
public sealed record Letterhead(string Name, string Street, string PostalCodeAndCity, string Ik)
{
    /// <summary>Return line above the recipient (DIN 5008 Rücksendeangabe).</summary>
    public string ReturnLine => $"{Name} · {Street} · {PostalCodeAndCity}";
}

/// <summary>
/// Everything a renderer needs for one letter, already in German and formatted. A paragraph equal to
/// <see cref="LetterTexts.CodeMarker"/> is where the code box goes; <see cref="Code"/> is null for letters without code.
/// </summary>
public sealed record LetterRenderModel(
    Letterhead Sender,
    IReadOnlyList<string> RecipientLines,
    DateOnly Date,
    string Kvnr,
    string Reference,
    string Subject,
    IReadOnlyList<string> Paragraphs,
    string Closing,
    string? Code,
    string? Watermark = null)
{
    /// <summary>The heading of the code box (an authentication code or a portal activation code).</summary>
    public string CodeLabel { get; init; } = "Ihr persönlicher Authentifizierungscode";
}

/// <summary>
/// The rendering port (issue 4): the core decides what a letter says, an adapter decides how it looks on paper. The
/// only project knowing the PDF library implements it (Pforte.Letters.Pdf).
/// </summary>
public interface ILetterRenderer
{
    /// <summary>Renders the letters into one print file, in order; returns each letter's page count.</summary>
    IReadOnlyList<int> Render(IReadOnlyList<LetterRenderModel> letters, Stream output);
}
