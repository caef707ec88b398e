using Pforte.Core.Audit;
using Pforte.Core.Common;

namespace Pforte.Core.Mailbox;

/// <summary>
/// Who uses the mailbox in the portal: the Kasse, the person whose mailbox it is, the representation when a
/// representative acts for them (null for the person themself), and the portal-login authentication of the session
/// (for the disclosure decision, channel <c>portal</c>).
/// </summary>
public sealed record MailboxActor(Guid KasseId, Guid SubjectPersonId, Guid? RepresentativeId, Guid AuthenticationId, AuditContext Audit);

public enum ThreadStatus
{
    New = 1,
    InProgress = 2,
    Answered = 3,
    Closed = 4,
}

/// <summary>One line of the inbox. <see cref="Subject"/> is empty and <see cref="Hidden"/> set when the login may not read the topic.</summary>
public sealed record ThreadSummary(
    Guid Id, string Subject, string Topic, ThreadStatus Status, DateTimeOffset LastMessageAt, bool Unread, bool Archived, int MessageCount,
    bool HasAttachments, bool LastFromKasse, bool IsDocument, bool Hidden = false);

/// <summary>An inbox page query. <see cref="Older"/> is the opaque cursor of the previous page's <see cref="InboxPage.Older"/>.</summary>
public sealed record InboxQuery(bool Archived = false, string? Search = null, string? Older = null, int PageSize = 25);

/// <summary>A page of threads, newest first; <see cref="Older"/> is null on the last page; <see cref="Unread"/> counts the whole (not archived) mailbox.</summary>
public sealed record InboxPage(IReadOnlyList<ThreadSummary> Items, string? Older, int Unread);

public sealed record AttachmentInfo(Guid Id, string FileName, string ContentType, long Size);

public sealed record MessageView(Guid Id, bool FromKasse, DateTimeOffset SentAt, string Body, IReadOnlyList<AttachmentInfo> Attachments);

public sealed record ThreadView(Guid Id, string Subject, string Topic, ThreadStatus Status, bool Archived, bool MayReply, IReadOnlyList<MessageView> Messages);

/// <summary>A file as uploaded; the attachment inspector decides its type from the bytes.</summary>
public sealed record NewFile(string? FileName, byte[] Content);

public sealed record AttachmentContent(string FileName, string ContentType, byte[] Content);

/// <summary>
/// The person's side of the secure mailbox (Postfach, issue 13, ADR 0019): list, read, start, reply, archive,
/// attachments, and the opt-in to electronic delivery (elektronische Zustellung). Every id that is not the
/// person's — another person's, malformed, deleted — answers with the same not-found error.
/// </summary>
public sealed class PersonMailbox
{
    public Task<Result<InboxPage>> ListAsync(MailboxActor actor, InboxQuery query, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>The thread with its messages; marks it read for the person.</summary>
    public Task<Result<ThreadView>> ReadAsync(MailboxActor actor, string? threadId, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Starts a thread on a topic (a request kind); returns the thread id.</summary>
    public Task<Result<Guid>> StartAsync(
        MailboxActor actor, string? topic, string? subject, string? body, IReadOnlyList<NewFile> files, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Replies in a thread; returns the message id. A reply re-opens an answered or closed thread.</summary>
    public Task<Result<Guid>> ReplyAsync(MailboxActor actor, string? threadId, string? body, IReadOnlyList<NewFile> files, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<Result<bool>> SetArchivedAsync(MailboxActor actor, string? threadId, bool archived, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<Result<AttachmentContent>> AttachmentAsync(MailboxActor actor, string? threadId, string? attachmentId, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>The topics (request kinds) the login allows writing about, in display order.</summary>
    public Task<IReadOnlyList<string>> WritableTopicsAsync(MailboxActor actor, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Whether the person opted in to electronic delivery of documents.</summary>
    public Task<Result<bool>> ElectronicDeliveryAsync(MailboxActor actor, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Opts in or out of electronic delivery (audited); a representative needs a representation covering documents.</summary>
    public Task<Result<bool>> SetElectronicDeliveryAsync(MailboxActor actor, bool optIn, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
