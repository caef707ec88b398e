namespace Pforte.Core.Mailbox.Attachments;

/// <summary>What a PDF check found; the first finding refuses the file (ADR 0020).</summary>
public enum PdfFinding
{
    None = 0,
    Damaged,
    Encrypted,
    JavaScript,
    EmbeddedFile,
    Launch,
    RichMedia,
    Xfa,
}

/// <summary>
/// The port to a real PDF parser (ADR 0020): it opens the document and walks its objects — including those inside
/// compressed object streams — for active content. Only the project that knows the PDF library implements it
/// (Pforte.Letters.Pdf, like <see cref="Letters.ILetterRenderer"/>); the inspector's own raw scan runs either way.
/// </summary>
public interface IPdfStructureCheck
{
    /// <summary>Opens <paramref name="pdf"/> read-only and reports the first active content found, or <see cref="PdfFinding.Damaged"/> when it cannot be opened.</summary>
    PdfFinding Check(ReadOnlyMemory<byte> pdf);
}
