using Microsoft.Extensions.Options;
using Pforte.Core.Common;

namespace Pforte.Core.Mailbox.Attachments;

/// <summary>
/// Decides whether an uploaded file may enter the mailbox (issue 13, ADR 0020): the type from the bytes alone, the
/// structure walked to its end, active PDF content refused, image metadata stripped, the file name made safe.
/// Stateless and thread-safe (a singleton). The PDF parser check is a port (<see cref="IPdfStructureCheck"/>): the
/// hosts register PDFsharp's (<c>AddPdfLetters</c>); without it only the raw scan runs.
/// </summary>
public sealed class AttachmentInspector(IOptions<AttachmentLimits> limits, IPdfStructureCheck? pdfParser = null)
{
    private const double Megabyte = 1024 * 1024;

    /// <summary>
    /// One file: decides the type from the bytes alone, refuses what is not safe, strips image metadata, returns a
    /// safe file name (the person's name cleaned: no path, no control chars, extension set to the real type).
    /// </summary>
    public Result<CheckedAttachment> Inspect(string? fileName, ReadOnlySpan<byte> content)
    {
        var shown = AttachmentFileName.Display(fileName);
        if (content.IsEmpty)
        {
            return new Error(ErrorCodes.AttachmentEmpty, shown);
        }
        var max = limits.Value.MaxBytes;
        if (content.Length > max)
        {
            // Rounded up: a file just over the limit must not read "10 MB; at most 10 MB".
            return new Error(ErrorCodes.AttachmentTooLarge, shown, Math.Ceiling(content.Length / Megabyte * 10) / 10, Math.Round(max / Megabyte, 1));
        }
        if (Detect(content) is not { } type)
        {
            return new Error(ErrorCodes.AttachmentTypeNotAllowed, shown);
        }
        if (AttachmentFileName.Claimed(fileName) is { } claimed && claimed.Type != type)
        {
            return new Error(ErrorCodes.AttachmentTypeMismatch, shown, claimed.Label, Label(type));
        }
        var checkedContent = type switch
        {
            AttachmentType.Pdf => CheckPdf(shown, content),
            AttachmentType.Jpeg => Image(shown, JpegWalker.Strip(content, out var jpeg), jpeg, ErrorCodes.AttachmentJpegDamaged),
            AttachmentType.Png => Image(shown, PngWalker.Strip(content, out var png), png, ErrorCodes.AttachmentPngDamaged),
        };
        if (!checkedContent.TryGetValue(out var bytes, out var error))
        {
            return error;
        }
        return new CheckedAttachment(type, ContentType(type), AttachmentFileName.Safe(fileName, type), bytes);
    }

    /// <summary>A message's files: the count limit first, then each file (the first refusal wins; its error names the file).</summary>
    public Result<IReadOnlyList<CheckedAttachment>> InspectAll(IReadOnlyList<(string? FileName, byte[] Content)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var most = limits.Value.MaxPerMessage;
        if (files.Count > most)
        {
            return new Error(ErrorCodes.AttachmentTooMany, most, files.Count);
        }
        var checkedFiles = new List<CheckedAttachment>(files.Count);
        foreach (var (fileName, content) in files)
        {
            if (!Inspect(fileName, content).TryGetValue(out var attachment, out var error))
            {
                return error;
            }
            checkedFiles.Add(attachment);
        }
        return checkedFiles;
    }

    public static string ContentType(AttachmentType type) => type switch
    {
        AttachmentType.Pdf => "application/pdf",
        AttachmentType.Jpeg => "image/jpeg",
        AttachmentType.Png => "image/png",
    };

    /// <summary>The type the first bytes show, or null. Only signatures at offset 0 count (ADR 0020).</summary>
    internal static AttachmentType? Detect(ReadOnlySpan<byte> content) =>
        content.StartsWith("%PDF-"u8) ? AttachmentType.Pdf
        : content.Length >= 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF ? AttachmentType.Jpeg
        : content.StartsWith(PngWalker.Signature) ? AttachmentType.Png
        : null;

    private static string Label(AttachmentType type) => type switch
    {
        AttachmentType.Pdf => "PDF",
        AttachmentType.Jpeg => "JPEG",
        AttachmentType.Png => "PNG",
    };

    private static Result<byte[]> Image(string shown, ImageOutcome outcome, byte[] stripped, string damagedCode)
    {
        // The stripped picture is what gets stored; markup or a PDF header in its first KB would let a browser or a
        // PDF reader that sniffs take it for something else.
        if (outcome == ImageOutcome.Clean && ForeignContent.Contains(stripped.AsSpan(0, Math.Min(stripped.Length, 1024))))
        {
            outcome = ImageOutcome.HiddenData;
        }
        return outcome switch
        {
            ImageOutcome.Clean => stripped,
            ImageOutcome.Damaged => new Error(damagedCode, shown),
            ImageOutcome.HiddenData => new Error(ErrorCodes.AttachmentImageHiddenData, shown),
        };
    }

    private Result<byte[]> CheckPdf(string shown, ReadOnlySpan<byte> content)
    {
        // The one copy of the file: scanned, parsed and stored as it came (a PDF is not rewritten).
        var pdf = content.ToArray();
        var finding = PdfRawScan.Scan(pdf, out var hiddenData);
        if (hiddenData)
        {
            return new Error(ErrorCodes.AttachmentPdfHiddenData, shown);
        }
        if (finding == PdfFinding.None && pdfParser is not null)
        {
            finding = pdfParser.Check(pdf);
        }
        return finding switch
        {
            PdfFinding.None => pdf,
            PdfFinding.Damaged => new Error(ErrorCodes.AttachmentPdfDamaged, shown),
            PdfFinding.Encrypted => new Error(ErrorCodes.AttachmentPdfEncrypted, shown),
            PdfFinding.JavaScript => new Error(ErrorCodes.AttachmentPdfJavaScript, shown),
            PdfFinding.EmbeddedFile => new Error(ErrorCodes.AttachmentPdfEmbeddedFile, shown),
            PdfFinding.Launch => new Error(ErrorCodes.AttachmentPdfLaunch, shown),
            PdfFinding.RichMedia => new Error(ErrorCodes.AttachmentPdfRichMedia, shown),
            PdfFinding.Xfa => new Error(ErrorCodes.AttachmentPdfXfa, shown),
        };
    }
}
