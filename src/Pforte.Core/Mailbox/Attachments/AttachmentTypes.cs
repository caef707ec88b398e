using Microsoft.Extensions.Options;

namespace Pforte.Core.Mailbox.Attachments;

/// <summary>The only file types the mailbox and the contact form accept (issue 13, ADR 0020).</summary>
public enum AttachmentType
{
    Pdf = 1,
    Jpeg = 2,
    Png = 3,
}

/// <summary>
/// A file that passed <see cref="AttachmentInspector"/>: its type decided from the bytes, a safe file name whose
/// extension matches that type, and the content to store (for images: with the metadata stripped).
/// </summary>
public sealed record CheckedAttachment(AttachmentType Type, string ContentType, string FileName, byte[] Content);

/// <summary>Limits of attachments (<c>Pforte:Mailbox:Attachments</c>), validated at start.</summary>
public sealed class AttachmentLimits
{
    public const string Section = "Pforte:Mailbox:Attachments";

    /// <summary>Largest accepted file (issue 13: 10 MB). The upload budget of 500 ms is measured at this size.</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most files in one message (issue 13: 5).</summary>
    public int MaxPerMessage { get; set; } = 5;
}

internal sealed class AttachmentLimitsValidator : IValidateOptions<AttachmentLimits>
{
    /// <summary>Above this the 500 ms upload budget (docs/benchmarks.md) no longer holds; the checks read the whole file.</summary>
    internal const long UpperBound = 50L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, AttachmentLimits o)
    {
        const string s = AttachmentLimits.Section;
        var errors = new List<string>();
        if (o.MaxBytes is < 1024 or > UpperBound)
        {
            errors.Add($"{s}:MaxBytes: zwischen 1024 Bytes und 50 MB ({UpperBound} Bytes).");
        }
        if (o.MaxPerMessage is < 1 or > 20)
        {
            errors.Add($"{s}:MaxPerMessage: zwischen 1 und 20.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
