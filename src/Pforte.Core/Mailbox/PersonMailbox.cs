using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Core.Persistence;

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

/// <summary>
/// One line of the inbox. When the login may not read the topic (<see cref="Hidden"/>), <see cref="Subject"/> is
/// empty and <see cref="HiddenReason"/> says why in German.
/// </summary>
public sealed record ThreadSummary(
    Guid Id, string Subject, string Topic, ThreadStatus Status, DateTimeOffset LastMessageAt, bool Unread, bool Archived, int MessageCount,
    bool HasAttachments, bool LastFromKasse, bool IsDocument, bool Hidden = false, string? HiddenReason = null);

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
/// person's — another person's, malformed, deleted — answers with the same not-found error (PF-MBX-001).
/// Authorisation is the disclosure decision on channel <c>portal</c> with the session's authentication and the
/// thread's topic as request kind: writing is an inbound request of that kind, reading an outbound one. A
/// representative sees only threads whose topic the representation covers; the person sees all their threads, those
/// their login is not strong enough for listed without subject and with the reason.
/// </summary>
public sealed class PersonMailbox(
    PforteDbContext db, MailboxContent content, DecideDisclosure decide, AttachmentInspector inspector, AuditLog audit)
{
    public const int MaxPageSize = 100;

    public async Task<Result<InboxPage>> ListAsync(MailboxActor actor, InboxQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > MaxPageSize)
        {
            return new Error(ErrorCodes.MailboxPageSizeInvalid, MaxPageSize);
        }
        (DateTimeOffset At, Guid Id)? cursor = null;
        if (query.Older is not null)
        {
            if (Cursor.Parse(query.Older) is not { } parsed)
            {
                return new Error(ErrorCodes.MailboxCursorInvalid);
            }
            cursor = parsed;
        }
        if (!TextInput.Optional("search", query.Search, 100).TryGetValue(out var search, out var badSearch))
        {
            return badSearch;
        }
        if (await ReadDecisionsAsync(actor, Direction.Outbound, cancellationToken).ConfigureAwait(false) is not { } decisions)
        {
            return new Error(ErrorCodes.MailboxNotFound);
        }
        var threads = db.MailboxThreads.AsNoTracking()
            .Where(t => t.PersonId == actor.SubjectPersonId && t.KasseId == actor.KasseId && t.ArchivedByPerson == query.Archived);
        if (actor.RepresentativeId is not null)
        {
            // A representative sees only what the representation covers: the rest is not listed at all.
            var covered = decisions.Where(d => d.Value.Allowed).Select(d => d.Key).ToList();
            threads = threads.Where(t => covered.Contains(t.Topic));
        }
        if (cursor is { } c)
        {
            // The first condition starts the index range at the cursor; the second drops the rows of equal time already shown.
            threads = threads.Where(t => t.LastMessageAt <= c.At && (t.LastMessageAt < c.At || t.Id.CompareTo(c.Id) < 0));
        }
        threads = threads.OrderByDescending(t => t.LastMessageAt).ThenByDescending(t => t.Id);
        List<MailboxThread> page;
        if (search is null)
        {
            page = await threads.Take(query.PageSize + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            page = await SearchAsync(threads, search, decisions, query.PageSize + 1, cancellationToken).ConfigureAwait(false);
        }
        var more = page.Count > query.PageSize;
        if (more)
        {
            page.RemoveAt(page.Count - 1);
        }
        var unread = await db.MailboxThreads.AsNoTracking().CountAsync(t => t.PersonId == actor.SubjectPersonId && t.KasseId == actor.KasseId
            && !t.ArchivedByPerson && t.UnreadByPerson, cancellationToken).ConfigureAwait(false);
        var items = page.Select(t => Summary(t, decisions)).ToList();
        return new InboxPage(items, more ? Cursor.Format(page[^1].LastMessageAt, page[^1].Id) : null, unread);
    }

    /// <summary>The thread with its messages; marks it read for the person. Reading is an outbound disclosure of the topic (recorded).</summary>
    public async Task<Result<ThreadView>> ReadAsync(MailboxActor actor, string? threadId, CancellationToken cancellationToken = default)
    {
        if (!(await FindReadableAsync(actor, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out var error))
        {
            return error;
        }
        try
        {
            var messages = await content.MessagesAsync(thread.Id, cancellationToken).ConfigureAwait(false);
            var subject = content.SubjectOf(thread);
            if (thread.UnreadByPerson)
            {
                thread.UnreadByPerson = false;
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            var writable = !thread.IsDocument && (await ReadDecisionsAsync(actor, Direction.Inbound, cancellationToken).ConfigureAwait(false))?
                .GetValueOrDefault(thread.Topic)?.Allowed == true;
            return new ThreadView(thread.Id, subject, thread.Topic, thread.Status, thread.ArchivedByPerson, writable, messages);
        }
        catch (MailboxContentException)
        {
            return new Error(ErrorCodes.MailboxContentUnreadable);
        }
    }

    /// <summary>Starts a thread on a topic (a request kind); returns the thread id.</summary>
    public async Task<Result<Guid>> StartAsync(
        MailboxActor actor, string? topic, string? subject, string? body, IReadOnlyList<NewFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(files);
        if (!MailboxContent.Topic(topic).TryGetValue(out var checkedTopic, out var error)
            || !content.Subject(subject).TryGetValue(out var checkedSubject, out error)
            || !content.Body(body).TryGetValue(out var checkedBody, out error)
            || !inspector.InspectAll([.. files.Select(f => (f.FileName, f.Content))]).TryGetValue(out var checkedFiles, out error))
        {
            return error;
        }
        if (await AllowedAsync(actor, checkedTopic, Direction.Inbound, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var now = content.Now;
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var thread = content.NewThread(actor.KasseId, actor.SubjectPersonId, checkedTopic, checkedSubject, now);
        var message = content.AddMessage(thread, Sender(actor), actor.RepresentativeId?.ToString(), checkedBody, checkedFiles, now);
        await AuditAsync(actor, AuditAction.MailboxThreadStarted, thread, message, checkedFiles.Count, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return thread.Id;
    }

    /// <summary>Replies in a thread; returns the message id. A reply re-opens an answered or closed thread for the team.</summary>
    public async Task<Result<Guid>> ReplyAsync(MailboxActor actor, string? threadId, string? body, IReadOnlyList<NewFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(files);
        if (!(await FindOwnAsync(actor, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out var error))
        {
            return error;
        }
        if (thread.IsDocument)
        {
            return new Error(ErrorCodes.MailboxNoReplyToDocument);
        }
        if (!content.Body(body).TryGetValue(out var checkedBody, out error)
            || !inspector.InspectAll([.. files.Select(f => (f.FileName, f.Content))]).TryGetValue(out var checkedFiles, out error))
        {
            return error;
        }
        if (await AllowedAsync(actor, thread.Topic, Direction.Inbound, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var now = content.Now;
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var message = content.AddMessage(thread, Sender(actor), actor.RepresentativeId?.ToString(), checkedBody, checkedFiles, now);
        if (!thread.Open)
        {
            // Answered or closed: the person's reply puts it back into the team's inbox, due anew.
            thread.Status = thread.AssignedStaffId is null ? ThreadStatus.New : ThreadStatus.InProgress;
            thread.Open = true;
            thread.DueAt = now.AddDays(content.Options.DueDays);
        }
        thread.ArchivedByPerson = false;
        await AuditAsync(actor, AuditAction.MailboxReplySent, thread, message, checkedFiles.Count, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return message.Id;
    }

    /// <summary>Moves a thread into or out of the person's archive (a view of theirs only; the Kasse's copy is unchanged).</summary>
    public async Task<Result<bool>> SetArchivedAsync(MailboxActor actor, string? threadId, bool archived, CancellationToken cancellationToken = default)
    {
        if (!(await FindOwnAsync(actor, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out var error))
        {
            return error;
        }
        thread.ArchivedByPerson = archived;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return archived;
    }

    public async Task<Result<AttachmentContent>> AttachmentAsync(MailboxActor actor, string? threadId, string? attachmentId, CancellationToken cancellationToken = default)
    {
        if (MailboxContent.ParseId(attachmentId) is not { } fileId)
        {
            return new Error(ErrorCodes.MailboxNotFound);
        }
        if (!(await FindReadableAsync(actor, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out var error))
        {
            return error;
        }
        try
        {
            if (await content.AttachmentAsync(thread.Id, fileId, cancellationToken).ConfigureAwait(false) is not { } file)
            {
                return new Error(ErrorCodes.MailboxNotFound);
            }
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(actor.KasseId, actor.Audit, new AuditEvent(AuditAction.MailboxAttachmentOpened, AuditOutcome.Info, actor.SubjectPersonId,
                Details: $"{{\"thread\":\"{thread.Id}\",\"attachment\":\"{fileId}\"{Representation(actor)}}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return file;
        }
        catch (MailboxContentException)
        {
            return new Error(ErrorCodes.MailboxContentUnreadable);
        }
    }

    /// <summary>The topics (request kinds) the login allows writing about, in display order.</summary>
    public async Task<IReadOnlyList<string>> WritableTopicsAsync(MailboxActor actor, CancellationToken cancellationToken = default)
    {
        var decisions = await ReadDecisionsAsync(actor, Direction.Inbound, cancellationToken).ConfigureAwait(false);
        return decisions is null ? [] : [.. MailboxContent.Topics.Where(t => decisions.GetValueOrDefault(t)?.Allowed == true)];
    }

    /// <summary>Whether the person opted in to electronic delivery of documents.</summary>
    public async Task<Result<bool>> ElectronicDeliveryAsync(MailboxActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await db.ElectronicDeliveries.AsNoTracking().Where(e => e.PersonId == actor.SubjectPersonId && e.KasseId == actor.KasseId)
            .Select(e => e.OptedIn).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opts in or out of electronic delivery (audited, 8012/8013). It is a request about documents: the login (and a
    /// representative's scope) must allow <see cref="RequestKinds.SendDocuments"/> inbound. No change: nothing written.
    /// </summary>
    public async Task<Result<bool>> SetElectronicDeliveryAsync(MailboxActor actor, bool optIn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (await AllowedAsync(actor, RequestKinds.SendDocuments, Direction.Inbound, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.ElectronicDeliveries.SingleOrDefaultAsync(e => e.PersonId == actor.SubjectPersonId && e.KasseId == actor.KasseId, cancellationToken)
            .ConfigureAwait(false);
        if ((row?.OptedIn ?? false) == optIn)
        {
            return optIn;
        }
        if (row is null)
        {
            row = new ElectronicDelivery { PersonId = actor.SubjectPersonId, KasseId = actor.KasseId };
            db.ElectronicDeliveries.Add(row);
        }
        row.OptedIn = optIn;
        row.ChangedAt = content.Now;
        await audit.AppendAsync(actor.KasseId, actor.Audit, new AuditEvent(optIn ? AuditAction.ElectronicDeliveryOptedIn : AuditAction.ElectronicDeliveryOptedOut,
            AuditOutcome.Success, actor.SubjectPersonId, Details: actor.RepresentativeId is { } r ? $"{{\"representative\":\"{r}\"}}" : null), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return optIn;
    }

    private static MessageSender Sender(MailboxActor actor) => actor.RepresentativeId is null ? MessageSender.Person : MessageSender.Representative;

    private static string Representation(MailboxActor actor) => actor.RepresentativeId is { } r ? $",\"representative\":\"{r}\"" : "";

    private Task<AuditEntry> AuditAsync(MailboxActor actor, AuditAction action, MailboxThread thread, MailboxMessage message, int files, CancellationToken cancellationToken) =>
        audit.AppendAsync(actor.KasseId, actor.Audit, new AuditEvent(action, AuditOutcome.Success, actor.SubjectPersonId,
            Details: $"{{\"thread\":\"{thread.Id}\",\"message\":\"{message.Id}\",\"topic\":\"{thread.Topic}\",\"attachments\":{files.ToString(CultureInfo.InvariantCulture)}{Representation(actor)}}}"),
            cancellationToken);

    private ThreadSummary Summary(MailboxThread t, IReadOnlyDictionary<string, Decision> decisions)
    {
        var decision = decisions.GetValueOrDefault(t.Topic);
        var hidden = decision?.Allowed != true;
        return new ThreadSummary(t.Id, hidden ? "" : SafeSubject(t), t.Topic, t.Status, t.LastMessageAt, t.UnreadByPerson, t.ArchivedByPerson, t.MessageCount,
            t.HasAttachments, t.LastFromKasse, t.IsDocument, hidden, hidden ? decision?.Explanation ?? new Error(ErrorCodes.MailboxContentUnreadable).Message : null);

        string SafeSubject(MailboxThread thread)
        {
            try
            {
                return content.SubjectOf(thread);
            }
            catch (MailboxContentException)
            {
                return "";
            }
        }
    }

    /// <summary>Search: the person's newest threads (bounded by <see cref="MailboxOptions.SearchWindow"/>) decrypted in memory (ADR 0019).</summary>
    private async Task<List<MailboxThread>> SearchAsync(IQueryable<MailboxThread> threads, string search, IReadOnlyDictionary<string, Decision> decisions, int take,
        CancellationToken cancellationToken)
    {
        var window = await threads.Take(content.Options.SearchWindow).ToListAsync(cancellationToken).ConfigureAwait(false);
        var readable = window.Where(t => decisions.GetValueOrDefault(t.Topic)?.Allowed == true).ToList();
        var ids = readable.Select(t => t.Id).ToList();
        var bodies = new Dictionary<Guid, List<MailboxMessage>>();
        foreach (var chunk in ids.Chunk(500))
        {
            foreach (var m in await db.MailboxMessages.AsNoTracking().Where(m => chunk.Contains(m.ThreadId)).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                (bodies.TryGetValue(m.ThreadId, out var list) ? list : bodies[m.ThreadId] = []).Add(m);
            }
        }
        var compare = CultureInfo.GetCultureInfo("de-DE").CompareInfo;
        bool Matches(string text) => compare.IndexOf(text, search, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace) >= 0;
        var found = new List<MailboxThread>();
        foreach (var thread in readable)
        {
            try
            {
                if (Matches(content.SubjectOf(thread)) || bodies.GetValueOrDefault(thread.Id, []).Any(m => Matches(content.BodyOf(m))))
                {
                    found.Add(thread);
                    if (found.Count == take)
                    {
                        break;
                    }
                }
            }
            catch (MailboxContentException)
            {
                // Unreadable content matches nothing; reading the thread says why.
            }
        }
        return found;
    }

    private Task<IReadOnlyDictionary<string, Decision>?> ReadDecisionsAsync(MailboxActor actor, Direction direction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return decide.PreviewAsync(actor.KasseId, actor.AuthenticationId, Channels.Portal, direction, actor.SubjectPersonId, MailboxContent.Topics, cancellationToken);
    }

    /// <summary>The recorded decision for one topic; null when allowed, else the refusal (PF-MBX-003).</summary>
    private async Task<Error?> AllowedAsync(MailboxActor actor, string topic, Direction direction, CancellationToken cancellationToken)
    {
        var kvnr = await db.InsuredPersons.AsNoTracking().Where(p => p.Id == actor.SubjectPersonId && p.KasseId == actor.KasseId).Select(p => p.Kvnr)
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (kvnr is null)
        {
            return new Error(ErrorCodes.MailboxNotFound);
        }
        var decision = await decide.ExecuteAsync(actor.KasseId, new DecideRequest(actor.AuthenticationId, Channels.Portal, topic,
            direction == Direction.Inbound ? "inbound" : "outbound", kvnr), actor.Audit, cancellationToken).ConfigureAwait(false);
        if (!decision.TryGetValue(out var made, out var error))
        {
            return error.Code == ErrorCodes.DisclosureAuthenticationUnknown ? new Error(ErrorCodes.MailboxNotFound) : error;
        }
        if (made.Allowed)
        {
            return null;
        }
        var name = RequestKindNames.German(topic);
        return direction == Direction.Inbound
            ? new Error(ErrorCodes.MailboxTopicNotAllowed, name, made.Explanation)
            : actor.RepresentativeId is null ? new Error(ErrorCodes.MailboxContentHidden, name, made.Explanation) : new Error(ErrorCodes.MailboxNotFound);
    }

    /// <summary>The person's own thread, tracked; any other id answers not found.</summary>
    private async Task<Result<MailboxThread>> FindOwnAsync(MailboxActor actor, string? threadId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (MailboxContent.ParseId(threadId) is not { } id)
        {
            return new Error(ErrorCodes.MailboxNotFound);
        }
        var thread = await db.MailboxThreads.SingleOrDefaultAsync(t => t.Id == id && t.PersonId == actor.SubjectPersonId && t.KasseId == actor.KasseId, cancellationToken)
            .ConfigureAwait(false);
        if (thread is null)
        {
            return new Error(ErrorCodes.MailboxNotFound);
        }
        if (actor.RepresentativeId is not null)
        {
            // Outside the representation's scope the thread does not exist for the representative (it is not listed either).
            var covered = (await ReadDecisionsAsync(actor, Direction.Outbound, cancellationToken).ConfigureAwait(false))?.GetValueOrDefault(thread.Topic)?.Allowed == true;
            if (!covered)
            {
                return new Error(ErrorCodes.MailboxNotFound);
            }
        }
        return thread;
    }

    /// <summary>The person's own thread whose content the login may read (recorded decision).</summary>
    private async Task<Result<MailboxThread>> FindReadableAsync(MailboxActor actor, string? threadId, CancellationToken cancellationToken)
    {
        if (!(await FindOwnAsync(actor, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out var error))
        {
            return error;
        }
        return await AllowedAsync(actor, thread.Topic, Direction.Outbound, cancellationToken).ConfigureAwait(false) is { } refused ? refused : thread;
    }

    /// <summary>The keyset cursor: last message time (UTC ticks) and thread id of a page's last line.</summary>
    internal static class Cursor
    {
        public static string Format(DateTimeOffset at, Guid id) => $"{at.UtcTicks.ToString("x", CultureInfo.InvariantCulture)}.{id:N}";

        public static (DateTimeOffset At, Guid Id)? Parse(string value)
        {
            var parts = value.Split('.');
            if (parts.Length != 2 || parts[0].Length is < 1 or > 16
                || !long.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var ticks)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
                || !Guid.TryParseExact(parts[1], "N", out var id))
            {
                return null;
            }
            return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }
    }
}
