using Pforte.Core.Common;

namespace Pforte.Portal.Mailbox;

/// <summary>The form field each error of the mailbox is shown at; an error of no field goes to the summary only.</summary>
public static class MailboxErrorFields
{
    /// <summary>PF-MBX-100 … 149: the attachment checks (ADR 0020).</summary>
    private const string AttachmentPrefix = "PF-MBX-1";

    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        [ErrorCodes.MailboxTopicUnknown] = MailboxPageModel.TopicFieldId,
        [ErrorCodes.MailboxTopicNotAllowed] = MailboxPageModel.TopicFieldId,
        [ErrorCodes.MailboxSubjectLength] = MailboxPageModel.SubjectFieldId,
        [ErrorCodes.MailboxBodyLength] = MailboxPageModel.BodyFieldId,
    };

    public static string? FieldOf(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.StartsWith(AttachmentPrefix, StringComparison.Ordinal) && code.Length == AttachmentPrefix.Length + 2)
        {
            return MailboxPageModel.FilesFieldId;
        }
        return Fields.GetValueOrDefault(code);
    }
}
