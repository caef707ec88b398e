using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.ContactForm;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

/// <summary>The back office's view of the public contact form (ADR 0022): list, read (decrypted, recorded), match, answer, close.</summary>
public static class ContactRequestsApi
{
    public static RouteGroupBuilder MapContactRequestsApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/contact-requests").WithTags("Kontaktformular").RequireAuthorization(ScopePolicy.For(ApiScopes.Staff));

        group.MapGet("", async (string? status, int? limit, HttpContext http, StaffContactRequests requests, CancellationToken ct) =>
        {
            var result = await requests.ListAsync(http.User.GetKasseId(), status, limit ?? 50, ct).ConfigureAwait(false);
            return result.TryGetValue(out var items, out var error)
                ? Results.Ok(items.Select(Summary).ToList())
                : ProblemResults.Result(StatusCodes.Status400BadRequest, error);
        })
        .WithName("ListContactRequests")
        .Produces<List<ContactRequestSummaryResponse>>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.ContactStatusInvalid))
        .WithSummary("Kontaktanfragen, neueste zuerst (status=open|answered|closed, limit ≤ 100) – ohne Inhalt.");

        group.MapGet("/{id}", async (string id, HttpContext http, StaffContactRequests requests, CancellationToken ct) =>
        {
            if (!Guid.TryParse(id, out var requestId))
            {
                return NotFound();
            }
            var result = await requests.ReadAsync(http.User.GetKasseId(), requestId, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var view, out var error)
                ? Results.Ok(new ContactRequestResponse(view.Id, view.ReceiptNumber, view.Topic, view.CreatedAt, StaffContactRequests.StatusName(view.Status), view.StatusAt,
                    view.Details, view.Attachments, view.MatchedPersonId, view.MatchedAuthenticationId))
                : ProblemResults.Result(StatusCodes.Status404NotFound, error);
        })
        .WithName("ReadContactRequest")
        .Produces<ContactRequestResponse>()
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ContactRequestNotFound))
        .WithSummary("Eine Kontaktanfrage entschlüsselt (Angaben, Nachricht, Anhänge); das Lesen wird protokolliert.");

        group.MapGet("/{id}/attachments/{attachmentId}", async (string id, string attachmentId, HttpContext http, StaffContactRequests requests, CancellationToken ct) =>
        {
            if (!Guid.TryParse(id, out var requestId) || !Guid.TryParse(attachmentId, out var fileId))
            {
                return NotFound();
            }
            var result = await requests.AttachmentAsync(http.User.GetKasseId(), requestId, fileId, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var file, out var error)
                ? Results.File(file.Content, file.ContentType, file.FileName)
                : ProblemResults.Result(StatusCodes.Status404NotFound, error);
        })
        .WithName("ReadContactRequestAttachment")
        .Produces<Stream>(StatusCodes.Status200OK, "application/pdf", "image/jpeg", "image/png")
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ContactRequestNotFound))
        .WithSummary("Ein Anhang einer Kontaktanfrage (geprüft beim Hochladen, entschlüsselt); protokolliert.");

        group.MapPost("/{id}/match", async (string id, ContactMatchRequest body, HttpContext http, StaffContactRequests requests, CancellationToken ct) =>
        {
            if (!Guid.TryParse(id, out var requestId))
            {
                return NotFound();
            }
            if (body?.AuthenticationId is not { } authenticationId)
            {
                return ProblemResults.Result(StatusCodes.Status422UnprocessableEntity, new Error(ErrorCodes.ContactAuthenticationMismatch));
            }
            return Change(await requests.MatchAsync(http.User.GetKasseId(), requestId, authenticationId, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false));
        })
        .WithName("MatchContactRequest")
        .Produces<ContactRequestSummaryResponse>()
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ContactRequestNotFound))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.ContactAlreadyClosed))
        .Problems(StatusCodes.Status422UnprocessableEntity, ApiDocs.Codes(ErrorCodes.ContactAuthenticationMismatch))
        .WithSummary("Ordnet die Anfrage einer Person zu – nur über eine schriftliche Authentifizierung (letter-details / contact-form-details).");

        MapStatus(group, "answered", "MarkContactRequestAnswered", (r, kasse, id, context, ct) => r.MarkAnsweredAsync(kasse, id, context, ct),
            "Vermerkt die Anfrage als beantwortet (per Brief oder ins Postfach – nie per E-Mail).");
        MapStatus(group, "close", "CloseContactRequest", (r, kasse, id, context, ct) => r.CloseAsync(kasse, id, context, ct), "Schließt die Anfrage.");
        return v1;
    }

    private static void MapStatus(RouteGroupBuilder group, string verb, string name,
        Func<StaffContactRequests, Guid, Guid, Pforte.Core.Audit.AuditContext, CancellationToken, Task<Result<ContactRequestSummary>>> change, string summary) =>
        group.MapPost("/{id}/" + verb, async (string id, HttpContext http, StaffContactRequests requests, CancellationToken ct) =>
            Guid.TryParse(id, out var requestId)
                ? Change(await change(requests, http.User.GetKasseId(), requestId, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false))
                : NotFound())
        .WithName(name)
        .Produces<ContactRequestSummaryResponse>()
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ContactRequestNotFound))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.ContactAlreadyClosed))
        .WithSummary(summary);

    private static IResult NotFound() => ProblemResults.Result(StatusCodes.Status404NotFound, new Error(ErrorCodes.ContactRequestNotFound));

    private static IResult Change(Result<ContactRequestSummary> result) =>
        result.TryGetValue(out var summary, out var error)
            ? Results.Ok(Summary(summary))
            : ProblemResults.Result(error.Code switch
            {
                ErrorCodes.ContactRequestNotFound => StatusCodes.Status404NotFound,
                ErrorCodes.ContactAlreadyClosed => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status422UnprocessableEntity,
            }, error);

    private static ContactRequestSummaryResponse Summary(ContactRequestSummary s) =>
        new(s.Id, s.ReceiptNumber, s.Topic, s.CreatedAt, StaffContactRequests.StatusName(s.Status), s.Attachments, s.MatchedPersonId);
}

public sealed record ContactMatchRequest(Guid? AuthenticationId);

public sealed record ContactRequestSummaryResponse(Guid Id, string ReceiptNumber, string Topic, DateTimeOffset CreatedAt, string Status, int Attachments, Guid? MatchedPersonId);

public sealed record ContactRequestResponse(
    Guid Id, string ReceiptNumber, string Topic, DateTimeOffset CreatedAt, string Status, DateTimeOffset StatusAt,
    ContactDetails Details, IReadOnlyList<ContactAttachmentInfo> Attachments, Guid? MatchedPersonId, Guid? MatchedAuthenticationId);
