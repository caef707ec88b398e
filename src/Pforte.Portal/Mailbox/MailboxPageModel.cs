using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Pforte.Core.Common;
using Pforte.Core.Mailbox;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Core.Portal;
using Pforte.Portal.History;

namespace Pforte.Portal.Mailbox;

/// <summary>
/// A page of the mailbox (Postfach, ADR 0019): the signed-in person — or the represented person while acting for
/// one — as a <see cref="MailboxActor"/>; which messages and topics the login allows is <see cref="PersonMailbox"/>'s
/// business, never the page's.
/// </summary>
public abstract class MailboxPageModel(PortalRepresentation representation) : SubjectPageModel(representation)
{
    /// <summary>Form field ids the errors are shown at.</summary>
    public const string TopicFieldId = "thema";
    public const string SubjectFieldId = "betreff";
    public const string BodyFieldId = "nachricht";
    public const string FilesFieldId = "anhaenge";

    /// <summary>The actor of the mailbox, or the result to answer with (sign-in needed, representation no longer valid).</summary>
    protected async Task<(MailboxActor? Actor, IActionResult? Stop)> MailboxActorAsync()
    {
        var (subject, stop) = await SubjectAsync();
        if (subject is null)
        {
            return (null, stop);
        }
        return (new MailboxActor(subject.KasseId, subject.PersonId, subject.Acting?.RepresentativeId, subject.Actor.AuthenticationId, subject.Audit), null);
    }

    /// <summary>The uploaded files as the mailbox takes them (empty file inputs — nothing chosen — are left out).</summary>
    protected static async Task<IReadOnlyList<NewFile>> FilesAsync(IEnumerable<IFormFile>? files, CancellationToken cancellationToken)
    {
        var list = new List<NewFile>();
        foreach (var file in files ?? [])
        {
            if (file.Length == 0 && string.IsNullOrEmpty(file.FileName))
            {
                continue;
            }
            using var buffer = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
            await file.CopyToAsync(buffer, cancellationToken);
            list.Add(new NewFile(file.FileName, buffer.ToArray()));
        }
        return list;
    }

    /// <summary>Which field an error of the mailbox belongs to (null: the whole form).</summary>
    protected static FieldError ToField(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new FieldError(MailboxErrorFields.FieldOf(error.Code), error.Message);
    }

    /// <summary>A time as the mailbox shows it (Berlin time, German).</summary>
    public static string When(DateTimeOffset at) => Texts.Mailbox.Format("WhenFormat", TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).DateTime);

    public static string TopicText(string topic) => Pforte.Core.Disclosure.RequestKindNames.German(topic);
}

/// <summary>
/// A mailbox page with the message form (compose, reply): the text and the files as posted, their limits, and the
/// form's errors, each shown at its field.
/// </summary>
public abstract class MailboxFormPageModel(IOptions<AttachmentLimits> limits, IOptions<MailboxOptions> options, PortalRepresentation representation)
    : MailboxPageModel(representation)
{
    [BindProperty(Name = BodyFieldId)]
    public string? Body { get; set; }

    [BindProperty(Name = FilesFieldId)]
    public List<IFormFile>? Files { get; set; }

    public List<FieldError> Errors { get; } = [];

    public AttachmentLimits Limits => limits.Value;

    public MailboxOptions Mailbox => options.Value;

    public int MaxMegabytes => (int)(Limits.MaxBytes / (1024 * 1024));

    /// <summary>The text area's label.</summary>
    protected abstract string BodyLabel { get; }

    public BodyField BodyInput(string? error) => new(BodyLabel, Body, error, Mailbox.BodyMaxLength);

    public string? ErrorOf(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    /// <summary>The files of this post as the mailbox takes them.</summary>
    protected Task<IReadOnlyList<NewFile>> PostedFilesAsync() => FilesAsync(Files, HttpContext.RequestAborted);
}

/// <summary>What the partial <c>_MessageBody</c> needs: a labelled text area with its hint and error.</summary>
public sealed record BodyField(string Label, string? Value, string? Error, int MaxLength, string Id = MailboxPageModel.BodyFieldId);

/// <summary>What the partial <c>_Files</c> needs: the file input with the limits in its hint and its error.</summary>
public sealed record FilesField(string? Error, AttachmentLimits Limits, string Id = MailboxPageModel.FilesFieldId)
{
    public int MaxMegabytes => (int)(Limits.MaxBytes / (1024 * 1024));
}
