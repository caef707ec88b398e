using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Core.Persistence;

namespace Pforte.Core.Mailbox;

/// <summary>
/// What the person and staff use cases share: writing and reading encrypted content (subject, body, note,
/// attachment name and bytes — each bound to its row id and field), and the rules of texts and ids.
/// </summary>
public sealed class MailboxContent(PforteDbContext db, ContentCipher cipher, Microsoft.Extensions.Options.IOptions<MailboxOptions> options, TimeProvider clock)
{
    internal const string SubjectField = "thread.subject";
    internal const string BodyField = "message.body";
    internal const string NoteField = "note.body";
    internal const string FileNameField = "attachment.file_name";
    internal const string FileContentField = "attachment.content";

    /// <summary>Topics a thread can be about: the request kinds, except those that are no conversation.</summary>
    public static readonly IReadOnlyList<string> Topics =
        [.. RequestKinds.All.Where(k => k is not RequestKinds.PortalRegistration and not RequestKinds.NewAuthCode)];

    public MailboxOptions Options => options.Value;

    public static Guid? ParseId(string? id) =>
        id is { Length: <= 64 } && Guid.TryParse(id, out var guid) && guid != Guid.Empty ? guid : null;

    public Result<string> Subject(string? subject)
    {
        var max = Options.SubjectMaxLength;
        var checkedSubject = TextInput.Required("subject", subject, max, new Error(ErrorCodes.MailboxSubjectLength, max));
        return checkedSubject; // too long: PF-REC-011 naming the field and the limit
    }

    public Result<string> Body(string? body, string field = "body")
    {
        var max = Options.BodyMaxLength;
        var checkedBody = TextInput.RequiredMultiline(field, body, max, new Error(ErrorCodes.MailboxBodyLength, max));
        return checkedBody; // too long: PF-REC-011 naming the field and the limit
    }

    public static Result<string> Topic(string? topic) =>
        topic is not null && Topics.Contains(topic, StringComparer.Ordinal)
            ? topic
            : new Error(ErrorCodes.MailboxTopicUnknown, TextInput.Echo(topic), string.Join(", ", Topics));

    /// <summary>A new thread (not yet saved) with its encrypted subject.</summary>
    public MailboxThread NewThread(Guid kasseId, Guid personId, string topic, string subject, DateTimeOffset now)
    {
        var thread = new MailboxThread
        {
            Id = Guid.CreateVersion7(now), KasseId = kasseId, PersonId = personId, Topic = topic, Status = ThreadStatus.New, Open = true,
            CreatedAt = now, LastMessageAt = now, DueAt = now.AddDays(Options.DueDays),
        };
        (thread.WrappedKey, thread.KeyVersion, thread.SubjectCipher) = SealText(thread.Id, SubjectField, subject);
        db.MailboxThreads.Add(thread);
        return thread;
    }

    /// <summary>Adds a message with its attachments to a thread and updates the thread's list columns.</summary>
    public MailboxMessage AddMessage(MailboxThread thread, MessageSender sender, string? senderId, string body, IReadOnlyList<CheckedAttachment> files, DateTimeOffset now)
    {
        if (thread.MessageCount > 0 && now <= thread.LastMessageAt)
        {
            // Messages of a thread keep a strict order even when two arrive within the clock's resolution.
            now = thread.LastMessageAt.AddMilliseconds(1);
        }
        var message = new MailboxMessage { Id = Guid.CreateVersion7(now), ThreadId = thread.Id, Sender = sender, SenderId = senderId, SentAt = now };
        var key = cipher.NewDataKey();
        using (key.Key)
        {
            message.WrappedKey = key.Wrapped;
            message.KeyVersion = key.KeyVersion;
            message.BodyCipher = cipher.EncryptText(key.Key, body, ContentCipher.Bind(message.Id, BodyField));
            foreach (var file in files)
            {
                var attachmentId = Guid.CreateVersion7(now);
                db.MailboxAttachments.Add(new MailboxAttachment
                {
                    Id = attachmentId, MessageId = message.Id, ThreadId = thread.Id, ContentType = file.ContentType, Size = file.Content.Length,
                    FileNameCipher = cipher.EncryptText(key.Key, file.FileName, ContentCipher.Bind(attachmentId, FileNameField)),
                    ContentCipher = cipher.Encrypt(key.Key, file.Content, ContentCipher.Bind(attachmentId, FileContentField)),
                });
            }
        }
        db.MailboxMessages.Add(message);
        var fromKasse = sender is MessageSender.Staff or MessageSender.System;
        thread.MessageCount++;
        thread.LastMessageAt = now;
        thread.LastFromKasse = fromKasse;
        thread.HasAttachments |= files.Count > 0;
        if (fromKasse)
        {
            thread.UnreadByPerson = true;
            thread.ArchivedByPerson = false;
        }
        else
        {
            thread.UnreadByKasse = true;
        }
        return message;
    }

    public MailboxNote AddNote(MailboxThread thread, string staffId, string text, DateTimeOffset now)
    {
        var note = new MailboxNote { Id = Guid.CreateVersion7(now), ThreadId = thread.Id, StaffId = staffId, CreatedAt = now };
        (note.WrappedKey, note.KeyVersion, note.BodyCipher) = SealText(note.Id, NoteField, text);
        db.MailboxNotes.Add(note);
        return note;
    }

    public string SubjectOf(MailboxThread thread) => Open(thread.WrappedKey, key => cipher.DecryptText(key, thread.SubjectCipher, ContentCipher.Bind(thread.Id, SubjectField)));

    public string BodyOf(MailboxMessage message) => Open(message.WrappedKey, key => cipher.DecryptText(key, message.BodyCipher, ContentCipher.Bind(message.Id, BodyField)));

    public string NoteOf(MailboxNote note) => Open(note.WrappedKey, key => cipher.DecryptText(key, note.BodyCipher, ContentCipher.Bind(note.Id, NoteField)));

    public string FileNameOf(byte[] messageWrappedKey, Guid attachmentId, byte[] nameCipher) =>
        Open(messageWrappedKey, key => cipher.DecryptText(key, nameCipher, ContentCipher.Bind(attachmentId, FileNameField)));

    public byte[] FileContentOf(byte[] messageWrappedKey, Guid attachmentId, byte[] contentCipher) =>
        Open(messageWrappedKey, key => cipher.Decrypt(key, contentCipher, ContentCipher.Bind(attachmentId, FileContentField)));

    /// <summary>The messages of a thread, oldest first, with their attachments' names (decrypted).</summary>
    public async Task<IReadOnlyList<MessageView>> MessagesAsync(Guid threadId, CancellationToken cancellationToken)
    {
        var messages = await db.MailboxMessages.AsNoTracking().Where(m => m.ThreadId == threadId).OrderBy(m => m.SentAt).ThenBy(m => m.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var attachments = await db.MailboxAttachments.AsNoTracking().Where(a => a.ThreadId == threadId)
            .Select(a => new { a.Id, a.MessageId, a.ContentType, a.Size, a.FileNameCipher }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. messages.Select(m => new MessageView(m.Id, m.Sender is MessageSender.Staff or MessageSender.System, m.SentAt, BodyOf(m),
            [.. attachments.Where(a => a.MessageId == m.Id).OrderBy(a => a.Id)
                .Select(a => new AttachmentInfo(a.Id, FileNameOf(m.WrappedKey, a.Id, a.FileNameCipher), a.ContentType, a.Size))]))];
    }

    /// <summary>An attachment of a thread, decrypted; null when the ids do not belong together.</summary>
    public async Task<AttachmentContent?> AttachmentAsync(Guid threadId, Guid attachmentId, CancellationToken cancellationToken)
    {
        var found = await (from a in db.MailboxAttachments.AsNoTracking()
                           join m in db.MailboxMessages.AsNoTracking() on a.MessageId equals m.Id
                           where a.Id == attachmentId && a.ThreadId == threadId
                           select new { a.ContentType, a.FileNameCipher, a.ContentCipher, m.WrappedKey }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return found is null ? null
            : new AttachmentContent(FileNameOf(found.WrappedKey, attachmentId, found.FileNameCipher), found.ContentType, FileContentOf(found.WrappedKey, attachmentId, found.ContentCipher));
    }

    public DateTimeOffset Now => clock.GetUtcNow();

    public DateOnly Today => BerlinCalendar.Today(clock);

    /// <summary>A text under a data key of its own: the wrapped key, its wrap version and the ciphertext bound to row and field.</summary>
    private (byte[] Wrapped, int Version, byte[] Cipher) SealText(Guid rowId, string field, string text)
    {
        var key = cipher.NewDataKey();
        using (key.Key)
        {
            return (key.Wrapped, key.KeyVersion, cipher.EncryptText(key.Key, text, ContentCipher.Bind(rowId, field)));
        }
    }

    private T Open<T>(byte[] wrapped, Func<DataKey, T> read)
    {
        try
        {
            using var key = cipher.Unwrap(wrapped);
            return read(key);
        }
        catch (CryptographicException e)
        {
            throw new MailboxContentException(e);
        }
    }
}

/// <summary>Stored content that does not open (a retired key, tampered bytes): an operations problem, answered with PF-MBX-019.</summary>
public sealed class MailboxContentException(Exception inner) : Exception("Mailbox content cannot be decrypted.", inner);
