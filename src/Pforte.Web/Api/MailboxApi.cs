using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

/// <summary>
/// The Kasse's side of the secure mailbox (scope <c>staff</c>, ADR 0019): team inboxes by topic, reading (audited),
/// assignment, replies (optionally from a template), internal notes, due dates, status; documents for a person
/// (elektronische Zustellung). The person's side is the portal's (PersonMailbox).
/// </summary>
public static class MailboxApi
{
    private static readonly IReadOnlyList<string> Mbx = [.. ApiDocs.Family("PF-MBX-0")];

    public static RouteGroupBuilder MapMailboxApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var mailbox = v1.MapGroup("/mailbox").RequireAuthorization(ScopePolicy.For(ApiScopes.Staff)).WithTags("Postfach");

        mailbox.MapGet("/teams/{topic}/threads", async (string topic, string? status, string? assignedTo, string? dueBefore, string? after, string? pageSize,
            HttpContext http, StaffMailbox staff, CancellationToken ct) =>
        {
            var size = 50;
            if (pageSize is not null && !int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size))
            {
                return Problem(new Error(ErrorCodes.MailboxPageSizeInvalid, StaffMailbox.MaxPageSize));
            }
            var result = await staff.TeamInboxAsync(http.User.GetKasseId(), new TeamInboxQuery(topic, status, assignedTo, dueBefore, after, size), ct).ConfigureAwait(false);
            return result.TryGetValue(out var page, out var error)
                ? Results.Ok(new TeamInboxResponse([.. page.Items.Select(TeamThreadView.From)], page.After))
                : Problem(error);
        })
        .WithName("ListTeamThreads")
        .Produces<TeamInboxResponse>()
        .Problems(StatusCodes.Status400BadRequest, Mbx)
        .WithSummary("Team-Posteingang eines Themas: offene Vorgänge (oder ein Status) nach Fälligkeit; Filter Zuständige/r, fällig vor; Seiten über „after“.");

        mailbox.MapGet("/threads/{id}", async (string id, string? staffId, HttpContext http, StaffMailbox staff, CancellationToken ct) =>
        {
            var result = await staff.ReadAsync(http.User.GetKasseId(), staffId, id, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var view, out var error) ? Results.Ok(StaffThreadResponse.From(view)) : Problem(error);
        })
        .WithName("ReadThread")
        .Produces<StaffThreadResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.MailboxStaffIdInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.MailboxNotFound))
        .WithSummary("Öffnet einen Vorgang mit Nachrichten und internen Notizen; jedes Öffnen wird protokolliert (wer, welcher Vorgang – nie Inhalt).");

        mailbox.MapGet("/threads/{id}/attachments/{attachmentId}", async (string id, string attachmentId, string? staffId, HttpContext http, StaffMailbox staff, CancellationToken ct) =>
        {
            var result = await staff.AttachmentAsync(http.User.GetKasseId(), staffId, id, attachmentId, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var file, out var error) ? Results.File(file.Content, file.ContentType, file.FileName) : Problem(error);
        })
        .WithName("ReadThreadAttachment")
        .Produces<Stream>(StatusCodes.Status200OK, "application/pdf", "image/jpeg", "image/png")
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.MailboxStaffIdInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.MailboxNotFound))
        .WithSummary("Lädt einen Anhang (protokolliert).");

        mailbox.MapPost("/threads/{id}/assignment", async (string id, AssignBody body, HttpContext http, StaffMailbox staff, CancellationToken ct) =>
            Status(await staff.AssignAsync(http.User.GetKasseId(), body.StaffId, id, body.AssignTo, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false)))
        .WithName("AssignThread").Produces<ThreadStatusResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.MailboxStaffIdInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.MailboxNotFound))
        .WithSummary("Weist den Vorgang einer/m Mitarbeiter/in zu (null: Zuweisung aufheben); ein neuer Vorgang wird „in Bearbeitung“.");

        mailbox.MapPost("/threads/{id}/status", async (string id, StatusBody body, HttpContext http, StaffMailbox staff, CancellationToken ct) =>
            Status(await staff.SetStatusAsync(http.User.GetKasseId(), body.StaffId, id, body.Status, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false)))
        .WithName("SetThreadStatus").Produces<ThreadStatusResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.MailboxStaffIdInvalid, ErrorCodes.MailboxStatusInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.MailboxNotFound))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.MailboxClosed))
        .WithSummary("Status: new → in-progress → answered → closed (schließen jederzeit); eine Antwort der Person öffnet wieder.");

        mailbox.MapPost("/threads/{id}/due", async (string id, DueBody body, HttpContext http, StaffMailbox staff, CancellationToken ct) =>
            Status(await staff.SetDueAsync(http.User.GetKasseId(), body.StaffId, id, body.Due, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false)))
        .WithName("SetThreadDue").Produces<ThreadStatusResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.MailboxStaffIdInvalid, ErrorCodes.MailboxDueInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.MailboxNotFound))
        .WithSummary("Setzt das Fälligkeitsdatum (JJJJ-MM-TT, nicht in der Vergangenheit).");

        mailbox.MapPost("/threads/{id}/notes", async (string id, NoteBody body, HttpContext http, StaffMailbox staff, CancellationToken ct) =>
        {
            var result = await staff.AddNoteAsync(http.User.GetKasseId(), body.StaffId, id, body.Text, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var noteId, out var error) ? Results.Ok(new CreatedResponse(noteId)) : Problem(error);
        })
        .WithName("AddThreadNote").Produces<CreatedResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.MailboxStaffIdInvalid, ErrorCodes.MailboxBodyLength), ApiDocs.TextPolicyCodes)
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.MailboxNotFound))
        .WithSummary("Interne Notiz (nur für die Kasse sichtbar, verschlüsselt gespeichert).");

        mailbox.MapPost("/threads/{id}/replies", async (string id, ReplyBody body, HttpContext http, StaffMailbox staff, CancellationToken ct) =>
        {
            var files = new List<NewFile>();
            foreach (var f in body.Files ?? [])
            {
                if (Base64(f.Content) is not { } bytes)
                {
                    return Problem(TextInput.Check("staffId", body.StaffId, 64) ?? TextInput.Check("body", body.Body?.Replace('\n', ' '), 100_000)
                        ?? TextInput.Check("files.fileName", f.FileName, 255) ?? new Error(ErrorCodes.MailboxFileNotBase64, TextInput.Echo(f.FileName)));
                }
                files.Add(new NewFile(f.FileName, bytes));
            }
            var result = await staff.ReplyAsync(http.User.GetKasseId(), body.StaffId, id, body.Body, body.TemplateId, files, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var messageId, out var error) ? Results.Ok(new CreatedResponse(messageId)) : Problem(error);
        })
        .WithName("ReplyToThread").Produces<CreatedResponse>()
        .Problems(StatusCodes.Status400BadRequest, Mbx, ApiDocs.Family("PF-MBX-1"), ApiDocs.TextPolicyCodes)
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.MailboxNotFound, ErrorCodes.MailboxTemplateNotFound))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.MailboxNoReplyToDocument))
        .WithSummary("Antwort der Kasse (Text, Textbaustein oder beides; Anhänge base64); die Person sieht sie im Postfach und bekommt einen Hinweis ohne Inhalt.");

        mailbox.MapGet("/templates", async (string? topic, HttpContext http, StaffMailbox staff, CancellationToken ct) =>
        {
            var result = await staff.TemplatesAsync(http.User.GetKasseId(), topic, ct).ConfigureAwait(false);
            return result.TryGetValue(out var templates, out var error) ? Results.Ok(templates) : Problem(error);
        })
        .WithName("ListReplyTemplates").Produces<List<TemplateView>>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.MailboxTopicUnknown))
        .WithSummary("Textbausteine der Kasse (für ein Thema: die des Themas und die allgemeinen).");

        mailbox.MapPost("/templates", async (TemplateBody body, HttpContext http, StaffMailbox staff, CancellationToken ct) =>
        {
            var result = await staff.CreateTemplateAsync(http.User.GetKasseId(), body.StaffId, body.Name, body.Topic, body.Text, RequestAuditContext.ForClient(http), ct)
                .ConfigureAwait(false);
            return result.TryGetValue(out var templateId, out var error) ? Results.Ok(new CreatedResponse(templateId)) : Problem(error);
        })
        .WithName("CreateReplyTemplate").Produces<CreatedResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.MailboxStaffIdInvalid, ErrorCodes.MailboxTopicUnknown, ErrorCodes.FieldRequired), ApiDocs.TextPolicyCodes)
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.MailboxTemplateExists))
        .WithSummary("Legt einen Textbaustein an (kein personenbezogener Inhalt).");

        v1.MapPost("/insured/{kvnr}/mailbox/documents", async (string kvnr, DocumentBody body, HttpContext http, MailboxDocuments documents, CancellationToken ct) =>
        {
            if (Base64(body.Content) is not { } content)
            {
                // Bad text in the other fields is named first (one input policy), then the file.
                return Problem(TextInput.Check("subject", body.Subject, 1000) ?? TextInput.Check("letterKind", body.LetterKind, 64)
                    ?? TextInput.Check("topic", body.Topic, 32) ?? TextInput.Check("fileName", body.FileName, 255) ?? new Error(ErrorCodes.MailboxFileNotBase64, TextInput.Echo(body.FileName)));
            }
            var result = await documents.DeliverAsync(http.User.GetKasseId(), new DocumentInput(kvnr, body.Subject, body.FileName, content, body.LetterKind, body.Topic),
                RequestAuditContext.ForClient(http, Channels.Portal), ct).ConfigureAwait(false);
            return result.TryGetValue(out var threadId, out var error) ? Results.Ok(new CreatedResponse(threadId)) : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Staff)).WithTags("Postfach")
        .WithName("DeliverDocument").Produces<CreatedResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Codes(ErrorCodes.MailboxSubjectLength, ErrorCodes.MailboxDocumentNotPdf, ErrorCodes.MailboxLetterKindUnknown,
            ErrorCodes.MailboxFileNotBase64, ErrorCodes.MailboxTopicUnknown),
            ApiDocs.Family("PF-MBX-1"))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.MailboxNoElectronicDelivery, ErrorCodes.MailboxCodeLetterByPost))
        .WithSummary("Stellt ein PDF elektronisch ins Postfach zu – nur mit Einwilligung der Person und nie für Briefe mit Code (die gehen immer per Post).");
        return v1;
    }

    private static byte[]? Base64(string? content)
    {
        try
        {
            return content is null ? null : Convert.FromBase64String(content);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IResult Status(Result<ThreadStatus> result) =>
        result.TryGetValue(out var status, out var error) ? Results.Ok(new ThreadStatusResponse(StaffMailbox.StatusName(status))) : Problem(error);

    private static IResult Problem(Error error) => ProblemResults.Result(error.Code switch
    {
        ErrorCodes.MailboxNotFound or ErrorCodes.MailboxTemplateNotFound or ErrorCodes.ApiPersonNotFound => StatusCodes.Status404NotFound,
        ErrorCodes.MailboxClosed or ErrorCodes.MailboxNoReplyToDocument or ErrorCodes.MailboxNoElectronicDelivery or ErrorCodes.MailboxCodeLetterByPost
            or ErrorCodes.MailboxTemplateExists => StatusCodes.Status409Conflict,
        ErrorCodes.MailboxContentUnreadable => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status400BadRequest,
    }, error);
}

public sealed record TeamThreadView(Guid Id, string Kvnr, string Subject, string Topic, string Status, string? AssignedTo, DateTimeOffset DueAt,
    DateTimeOffset CreatedAt, DateTimeOffset LastMessageAt, bool Unread, int MessageCount, bool HasAttachments, bool IsDocument)
{
    public static TeamThreadView From(TeamThread t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Id, t.Kvnr, t.Subject, t.Topic, StaffMailbox.StatusName(t.Status), t.AssignedTo, t.DueAt, t.CreatedAt, t.LastMessageAt, t.Unread, t.MessageCount,
            t.HasAttachments, t.IsDocument);
    }
}

public sealed record TeamInboxResponse(IReadOnlyList<TeamThreadView> Items, string? After);

public sealed record StaffThreadResponse(Guid Id, string Kvnr, string Subject, string Topic, string Status, string? AssignedTo, DateTimeOffset DueAt, bool IsDocument,
    IReadOnlyList<StaffMessageView> Messages, IReadOnlyList<NoteView> Notes)
{
    public static StaffThreadResponse From(StaffThreadView v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new(v.Id, v.Kvnr, v.Subject, v.Topic, StaffMailbox.StatusName(v.Status), v.AssignedTo, v.DueAt, v.IsDocument, v.Messages, v.Notes);
    }
}

public sealed record ThreadStatusResponse(string Status);

public sealed record CreatedResponse(Guid Id);

public sealed record AssignBody([property: MaxLength(64)] string StaffId, [property: MaxLength(64)] string? AssignTo = null);

public sealed record StatusBody([property: MaxLength(64)] string StaffId, [property: MaxLength(32)] string Status);

public sealed record DueBody([property: MaxLength(64)] string StaffId, [property: MaxLength(10)] string Due);

public sealed record NoteBody([property: MaxLength(64)] string StaffId, string Text);

/// <param name="Content">The file's bytes, Base64.</param>
public sealed record FileBody([property: MaxLength(255)] string? FileName, [property: Base64String] string Content);

public sealed record ReplyBody([property: MaxLength(64)] string StaffId, string? Body = null, [property: MaxLength(64)] string? TemplateId = null, IReadOnlyList<FileBody>? Files = null);

public sealed record TemplateBody([property: MaxLength(64)] string StaffId, string Name, string Text, [property: MaxLength(32)] string? Topic = null);

/// <param name="Content">The PDF's bytes, Base64.</param>
/// <param name="Topic">The request kind the document belongs to (reading it needs what the topic needs); default insurance-status.</param>
public sealed record DocumentBody(string Subject, [property: MaxLength(255)] string? FileName, [property: Base64String] string Content, [property: MaxLength(64)] string? LetterKind = null,
    [property: MaxLength(32)] string? Topic = null);
