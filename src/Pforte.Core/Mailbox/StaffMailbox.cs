using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Core.Persistence;

namespace Pforte.Core.Mailbox;

/// <summary>A team inbox query: the team is the topic. Without <see cref="Status"/> the open threads (new, in progress).</summary>
public sealed record TeamInboxQuery(string? Topic, string? Status = null, string? AssignedTo = null, string? DueBefore = null, string? After = null, int PageSize = 50);

public sealed record TeamThread(Guid Id, string Kvnr, string Subject, string Topic, ThreadStatus Status, string? AssignedTo, DateTimeOffset DueAt,
    DateTimeOffset CreatedAt, DateTimeOffset LastMessageAt, bool Unread, int MessageCount, bool HasAttachments, bool IsDocument);

/// <summary>A page of a team inbox by due date (then id); <see cref="After"/> is the cursor of the next page, null on the last.</summary>
public sealed record TeamInboxPage(IReadOnlyList<TeamThread> Items, string? After);

public sealed record StaffMessageView(Guid Id, string Sender, string? SenderId, DateTimeOffset SentAt, string Body, IReadOnlyList<AttachmentInfo> Attachments);

public sealed record NoteView(Guid Id, string StaffId, DateTimeOffset CreatedAt, string Text);

public sealed record StaffThreadView(Guid Id, string Kvnr, string Subject, string Topic, ThreadStatus Status, string? AssignedTo, DateTimeOffset DueAt,
    bool IsDocument, IReadOnlyList<StaffMessageView> Messages, IReadOnlyList<NoteView> Notes);

public sealed record TemplateView(Guid Id, string Name, string? Topic, string Text, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>
/// The Kasse's side of the mailbox (staff API, ADR 0019): team inboxes by topic, assignment, replies (optionally
/// from a template), internal notes, due dates and status. Every opening of a thread or file by staff is audited
/// (8003/8016: who, which thread — never content). Thread ids of another Kasse answer not found.
/// Status: new → in progress → answered → closed (closing from any state); the person's reply re-opens.
/// </summary>
public sealed class StaffMailbox(PforteDbContext db, MailboxContent content, AttachmentInspector inspector, Notices.MailboxNotices notices, AuditLog audit)
{
    public const int MaxPageSize = 200;

    public static readonly IReadOnlyList<string> StatusNames = ["new", "in-progress", "answered", "closed"];

    public static string StatusName(ThreadStatus status) => StatusNames[(int)status - 1];

    public static ThreadStatus? ParseStatus(string? name)
    {
        var index = name is null ? -1 : StatusNames.ToList().IndexOf(name);
        return index < 0 ? null : (ThreadStatus)(index + 1);
    }

    public async Task<Result<TeamInboxPage>> TeamInboxAsync(Guid kasseId, TeamInboxQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!MailboxContent.Topic(query.Topic).TryGetValue(out var topic, out var error))
        {
            return error;
        }
        if (query.PageSize is < 1 or > MaxPageSize)
        {
            return new Error(ErrorCodes.MailboxPageSizeInvalid, MaxPageSize);
        }
        var threads = db.MailboxThreads.AsNoTracking().Where(t => t.KasseId == kasseId && t.Topic == topic);
        if (query.Status is null)
        {
            threads = threads.Where(t => t.Open);
        }
        else if (ParseStatus(query.Status) is { } status)
        {
            threads = threads.Where(t => t.Status == status);
        }
        else
        {
            return new Error(ErrorCodes.MailboxStatusInvalid, TextInput.Echo(query.Status), string.Join(", ", StatusNames));
        }
        if (query.AssignedTo is not null)
        {
            if (!StaffId(query.AssignedTo, "assignedTo").TryGetValue(out var assigned, out error))
            {
                return error;
            }
            threads = threads.Where(t => t.AssignedStaffId == assigned);
        }
        if (query.DueBefore is not null)
        {
            if (!DateOnly.TryParseExact(query.DueBefore, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return new Error(ErrorCodes.MailboxDueInvalid, TextInput.Echo(query.DueBefore));
            }
            var limit = BerlinCalendar.StartOf(day);
            threads = threads.Where(t => t.DueAt < limit);
        }
        if (query.After is not null)
        {
            if (PersonMailbox.Cursor.Parse(query.After) is not { } c)
            {
                return new Error(ErrorCodes.MailboxCursorInvalid);
            }
            // The first condition starts the index range at the cursor (an OR alone made PostgreSQL scan from the start).
            threads = threads.Where(t => t.DueAt >= c.At && (t.DueAt > c.At || t.Id.CompareTo(c.Id) > 0));
        }
        var rows = await (from t in threads.OrderBy(t => t.DueAt).ThenBy(t => t.Id).Take(query.PageSize + 1)
                          join p in db.InsuredPersons.AsNoTracking() on t.PersonId equals p.Id
                          select new { Thread = t, p.Kvnr }).ToListAsync(cancellationToken).ConfigureAwait(false);
        rows = [.. rows.OrderBy(r => r.Thread.DueAt).ThenBy(r => r.Thread.Id)];
        var more = rows.Count > query.PageSize;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        var items = rows.Select(r => new TeamThread(r.Thread.Id, r.Kvnr, SafeSubject(r.Thread), r.Thread.Topic, r.Thread.Status, r.Thread.AssignedStaffId,
            r.Thread.DueAt, r.Thread.CreatedAt, r.Thread.LastMessageAt, r.Thread.UnreadByKasse, r.Thread.MessageCount, r.Thread.HasAttachments, r.Thread.IsDocument)).ToList();
        return new TeamInboxPage(items, more ? PersonMailbox.Cursor.Format(rows[^1].Thread.DueAt, rows[^1].Thread.Id) : null);
    }

    /// <summary>Opens a thread for a staff member (audited 8003) and marks it read for the Kasse.</summary>
    public async Task<Result<StaffThreadView>> ReadAsync(Guid kasseId, string? staffId, string? threadId, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (!StaffId(staffId).TryGetValue(out var staff, out var error)
            || !(await FindAsync(kasseId, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out error))
        {
            return error;
        }
        try
        {
            var messages = await content.MessagesAsync(thread.Id, cancellationToken).ConfigureAwait(false);
            var senders = await db.MailboxMessages.AsNoTracking().Where(m => m.ThreadId == thread.Id).ToDictionaryAsync(m => m.Id, m => (m.Sender, m.SenderId), cancellationToken)
                .ConfigureAwait(false);
            var notes = (await db.MailboxNotes.AsNoTracking().Where(n => n.ThreadId == thread.Id).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(cancellationToken)
                .ConfigureAwait(false)).Select(n => new NoteView(n.Id, n.StaffId, n.CreatedAt, content.NoteOf(n))).ToList();
            var view = new StaffThreadView(thread.Id, await KvnrAsync(thread.PersonId, cancellationToken).ConfigureAwait(false), content.SubjectOf(thread), thread.Topic,
                thread.Status, thread.AssignedStaffId, thread.DueAt, thread.IsDocument,
                [.. messages.Select(m => new StaffMessageView(m.Id, senders[m.Id].Sender.ToString().ToLowerInvariant(), senders[m.Id].SenderId, m.SentAt, m.Body, m.Attachments))], notes);
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            thread.UnreadByKasse = false;
            await AuditAsync(kasseId, context, AuditAction.MailboxThreadViewedByStaff, thread, staff, null, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return view;
        }
        catch (MailboxContentException)
        {
            return new Error(ErrorCodes.MailboxContentUnreadable);
        }
    }

    public async Task<Result<AttachmentContent>> AttachmentAsync(Guid kasseId, string? staffId, string? threadId, string? attachmentId, AuditContext context,
        CancellationToken cancellationToken = default)
    {
        if (!StaffId(staffId).TryGetValue(out var staff, out var error)
            || !(await FindAsync(kasseId, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out error))
        {
            return error;
        }
        if (MailboxContent.ParseId(attachmentId) is not { } fileId)
        {
            return new Error(ErrorCodes.MailboxNotFound);
        }
        try
        {
            if (await content.AttachmentAsync(thread.Id, fileId, cancellationToken).ConfigureAwait(false) is not { } file)
            {
                return new Error(ErrorCodes.MailboxNotFound);
            }
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await AuditAsync(kasseId, context, AuditAction.MailboxAttachmentOpened, thread, staff, $",\"attachment\":\"{fileId}\"", cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return file;
        }
        catch (MailboxContentException)
        {
            return new Error(ErrorCodes.MailboxContentUnreadable);
        }
    }

    /// <summary>Assigns the thread to a staff member (null: unassigns); a new thread becomes in progress.</summary>
    public Task<Result<ThreadStatus>> AssignAsync(Guid kasseId, string? staffId, string? threadId, string? assignTo, AuditContext context, CancellationToken cancellationToken = default)
    {
        Result<string?> target = assignTo is null ? (string?)null : StaffId(assignTo, "assignTo").TryGetValue(out var a, out var e) ? a : e;
        if (target.Error is { } badTarget)
        {
            // Bad input is answered before the thread is looked up.
            return Task.FromResult<Result<ThreadStatus>>(badTarget);
        }
        return ChangeAsync(kasseId, staffId, threadId, context, AuditAction.MailboxAssigned, thread =>
        {
            if (!target.TryGetValue(out var to, out var error))
            {
                return error;
            }
            thread.AssignedStaffId = to;
            if (to is not null && thread.Status == ThreadStatus.New)
            {
                thread.Status = ThreadStatus.InProgress;
            }
            return to is null ? ",\"assigned\":null" : $",\"assigned\":\"{Json(to)}\"";
        }, cancellationToken);
    }

    public Task<Result<ThreadStatus>> SetStatusAsync(Guid kasseId, string? staffId, string? threadId, string? status, AuditContext context, CancellationToken cancellationToken = default) =>
        TextInput.Check("status", status, TextInput.ShortText) is { } badStatus ? Task.FromResult<Result<ThreadStatus>>(badStatus) : ChangeAsync(kasseId, staffId, threadId, context, AuditAction.MailboxStatusChanged, thread =>
        {
            if (ParseStatus(status) is not { } next || !Allowed(thread.Status, next))
            {
                return thread.Status == ThreadStatus.Closed ? new Error(ErrorCodes.MailboxClosed)
                    : new Error(ErrorCodes.MailboxStatusInvalid, TextInput.Echo(status), string.Join(", ", StatusNames.Where(n => Allowed(thread.Status, ParseStatus(n)!.Value))));
            }
            var from = thread.Status;
            thread.Status = next;
            thread.Open = next is ThreadStatus.New or ThreadStatus.InProgress;
            return $",\"from\":\"{StatusName(from)}\",\"to\":\"{StatusName(next)}\"";
        }, cancellationToken);

    /// <summary>Sets the due date (a day in Germany; due at its start). Not in the past.</summary>
    public Task<Result<ThreadStatus>> SetDueAsync(Guid kasseId, string? staffId, string? threadId, string? due, AuditContext context, CancellationToken cancellationToken = default) =>
        TextInput.Check("due", due, TextInput.ShortText) is { } badDue ? Task.FromResult<Result<ThreadStatus>>(badDue) : ChangeAsync(kasseId, staffId, threadId, context, AuditAction.MailboxDueChanged, thread =>
        {
            if (!DateOnly.TryParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) || day < content.Today)
            {
                return new Error(ErrorCodes.MailboxDueInvalid, TextInput.Echo(due));
            }
            thread.DueAt = BerlinCalendar.StartOf(day);
            return $",\"due\":\"{day:yyyy-MM-dd}\"";
        }, cancellationToken);

    public async Task<Result<Guid>> AddNoteAsync(Guid kasseId, string? staffId, string? threadId, string? text, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (!StaffId(staffId).TryGetValue(out var staff, out var error)
            || !content.Body(text, "text").TryGetValue(out var body, out error)
            || !(await FindAsync(kasseId, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out error))
        {
            return error;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var note = content.AddNote(thread, staff, body, content.Now);
        await AuditAsync(kasseId, context, AuditAction.MailboxNoteAdded, thread, staff, $",\"note\":\"{note.Id}\"", cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return note.Id;
    }

    /// <summary>
    /// A reply of the Kasse (body, or a template's text, or a template followed by the body); the thread becomes
    /// answered and unread for the person, who gets a content-free notice. Returns the message id.
    /// </summary>
    public async Task<Result<Guid>> ReplyAsync(Guid kasseId, string? staffId, string? threadId, string? body, string? templateId, IReadOnlyList<NewFile> files,
        AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (!StaffId(staffId).TryGetValue(out var staff, out var error))
        {
            return error;
        }
        if (body is not null && content.Body(body).Error is { Code: not ErrorCodes.MailboxBodyLength } badBody)
        {
            return badBody; // bad text is answered before a template or thread is looked up
        }
        if (TextInput.Check("templateId", templateId, TextInput.ShortText) is { } badTemplate)
        {
            return badTemplate;
        }
        string? templateText = null;
        if (templateId is not null)
        {
            var id = MailboxContent.ParseId(templateId);
            templateText = id is null ? null : await db.MailboxTemplates.AsNoTracking().Where(t => t.Id == id && t.KasseId == kasseId).Select(t => t.Text)
                .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (templateText is null)
            {
                return new Error(ErrorCodes.MailboxTemplateNotFound);
            }
        }
        var text = templateText is null ? body : string.IsNullOrWhiteSpace(body) ? templateText : templateText + "\n\n" + body;
        if (!content.Body(text).TryGetValue(out var checkedBody, out error)
            || !inspector.InspectAll([.. files.Select(f => (f.FileName, f.Content))]).TryGetValue(out var checkedFiles, out error)
            || !(await FindAsync(kasseId, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out error))
        {
            return error;
        }
        if (thread.IsDocument)
        {
            return new Error(ErrorCodes.MailboxNoReplyToDocument);
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var message = content.AddMessage(thread, MessageSender.Staff, staff, checkedBody, checkedFiles, content.Now);
        thread.Status = ThreadStatus.Answered;
        thread.Open = false;
        await notices.QueueNewMessageAsync(kasseId, thread.PersonId, cancellationToken).ConfigureAwait(false);
        await AuditAsync(kasseId, context, AuditAction.MailboxStaffReplied, thread, staff,
            $",\"message\":\"{message.Id}\",\"attachments\":{checkedFiles.Count.ToString(CultureInfo.InvariantCulture)}" + (templateId is null ? "" : $",\"template\":\"{templateId}\""),
            cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return message.Id;
    }

    public async Task<Result<IReadOnlyList<TemplateView>>> TemplatesAsync(Guid kasseId, string? topic, CancellationToken cancellationToken = default)
    {
        var templates = db.MailboxTemplates.AsNoTracking().Where(t => t.KasseId == kasseId);
        if (topic is not null)
        {
            if (!MailboxContent.Topic(topic).TryGetValue(out var checkedTopic, out var error))
            {
                return error;
            }
            templates = templates.Where(t => t.Topic == null || t.Topic == checkedTopic);
        }
        return (await templates.OrderBy(t => t.Name).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(t => new TemplateView(t.Id, t.Name, t.Topic, t.Text, t.CreatedBy, t.CreatedAt)).ToList();
    }

    public async Task<Result<Guid>> CreateTemplateAsync(Guid kasseId, string? staffId, string? name, string? topic, string? text, AuditContext context,
        CancellationToken cancellationToken = default)
    {
        if (!StaffId(staffId).TryGetValue(out var staff, out var error)
            || !TextInput.Required("name", name, MailboxOptions.TemplateNameLength).TryGetValue(out var checkedName, out error)
            || !TextInput.RequiredMultiline("text", text, MailboxOptions.TemplateTextLength).TryGetValue(out var checkedText, out error))
        {
            return error;
        }
        string? checkedTopic = null;
        if (topic is not null && !MailboxContent.Topic(topic).TryGetValue(out checkedTopic, out error))
        {
            return error;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (await db.MailboxTemplates.AnyAsync(t => t.KasseId == kasseId && t.Name == checkedName, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.MailboxTemplateExists, checkedName);
        }
        var now = content.Now;
        var template = new MailboxTemplate { Id = Guid.CreateVersion7(now), KasseId = kasseId, Name = checkedName, Topic = checkedTopic, Text = checkedText, CreatedBy = staff, CreatedAt = now };
        db.MailboxTemplates.Add(template);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.MailboxTemplateCreated, AuditOutcome.Success,
            Details: $"{{\"template\":\"{template.Id}\",\"staff\":\"{Json(staff)}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return template.Id;
    }

    private static bool Allowed(ThreadStatus from, ThreadStatus to) => (from, to) switch
    {
        (ThreadStatus.Closed, _) => false,
        (_, ThreadStatus.Closed) => true,
        (ThreadStatus.New, ThreadStatus.InProgress) => true,
        (ThreadStatus.New or ThreadStatus.InProgress, ThreadStatus.Answered) => true,
        (ThreadStatus.Answered, ThreadStatus.InProgress) => true,
        _ => false,
    };

    private async Task<Result<ThreadStatus>> ChangeAsync(Guid kasseId, string? staffId, string? threadId, AuditContext context, AuditAction action,
        Func<MailboxThread, Result<string>> change, CancellationToken cancellationToken)
    {
        if (!StaffId(staffId).TryGetValue(out var staff, out var error)
            || !(await FindAsync(kasseId, threadId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var thread, out error))
        {
            return error;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (!change(thread).TryGetValue(out var details, out error))
        {
            return error;
        }
        await AuditAsync(kasseId, context, action, thread, staff, details, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return thread.Status;
    }

    private Task<AuditEntry> AuditAsync(Guid kasseId, AuditContext context, AuditAction action, MailboxThread thread, string staff, string? more, CancellationToken cancellationToken) =>
        audit.AppendAsync(kasseId, context, new AuditEvent(action, AuditOutcome.Success, thread.PersonId,
            Details: $"{{\"thread\":\"{thread.Id}\",\"topic\":\"{thread.Topic}\",\"staff\":\"{Json(staff)}\"{more}}}"), cancellationToken);

    private static string Json(string value) => Authentication.PhoneQuestionRounds.Json(value);

    /// <summary>A staff id: missing → PF-MBX-009; bad characters or too long → the input policy's error naming the field.</summary>
    internal static Result<string> StaffId(string? staffId, string field = "staffId") =>
        TextInput.Required(field, staffId, MailboxModel.StaffIdLength, new Error(ErrorCodes.MailboxStaffIdInvalid));

    private async Task<Result<MailboxThread>> FindAsync(Guid kasseId, string? threadId, CancellationToken cancellationToken)
    {
        var id = MailboxContent.ParseId(threadId);
        var thread = id is null ? null
            : await db.MailboxThreads.SingleOrDefaultAsync(t => t.Id == id && t.KasseId == kasseId, cancellationToken).ConfigureAwait(false);
        return thread is null ? new Error(ErrorCodes.MailboxNotFound) : thread;
    }

    private Task<string> KvnrAsync(Guid personId, CancellationToken cancellationToken) =>
        db.InsuredPersons.AsNoTracking().Where(p => p.Id == personId).Select(p => p.Kvnr).SingleAsync(cancellationToken);

    private string SafeSubject(MailboxThread thread)
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
