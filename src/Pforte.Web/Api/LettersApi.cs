using Pforte.Core.AuthCodes;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

/// <summary>Letters for staff: what was sent when, and returned mail. Never a letter's content (it may hold a code).</summary>
public static class LettersApi
{
    public static RouteGroupBuilder MapLettersApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/insured/{kvnr}/letters", async (string kvnr, HttpContext http, ListPersonLetters list, CancellationToken ct) =>
        {
            var result = await list.ExecuteAsync(http.User.GetKasseId(), kvnr, ct).ConfigureAwait(false);
            return result.TryGetValue(out var letters, out var error)
                ? Results.Ok(letters)
                : ProblemResults.Result(error.Code == ErrorCodes.ApiPersonNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Staff)).WithTags("Briefe")
        .WithName("ListLetters")
        .Produces<List<LetterSummary>>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes)
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound))
        .WithSummary("Die Briefe einer Person: Art, eingereiht, übergeben, Stapel, unzustellbar – nie der Inhalt.");

        v1.MapPost("/letters/{id}/returned", async (string id, HttpContext http, MarkLetterReturned mark, CancellationToken ct) =>
        {
            if (!Guid.TryParse(id, out var letterId))
            {
                return ProblemResults.Result(StatusCodes.Status400BadRequest, new Error(ErrorCodes.LetterIdInvalid, id));
            }
            var result = await mark.ExecuteAsync(http.User.GetKasseId(), letterId, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var r, out var error)
                ? Results.Ok(new LetterReturnedResponse(r.LetterId, r.Kind, r.ReturnedAt, r.CodeBlocked))
                : ProblemResults.Result(error.Code == ErrorCodes.LetterNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, error);
        })
        .RequireAuthorization(ScopePolicy.StaffOrLetters).WithTags("Briefe")
        .WithName("MarkLetterReturned")
        .Produces<LetterReturnedResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.LetterIdInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.LetterNotFound))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.LetterNotHandedOver))
        .WithSummary("Vermerkt einen Brief als unzustellbar zurückgekommen; ein Code darin wird gesperrt, weitere Briefe an die Anschrift zurückgehalten.");
        return v1;
    }
}

public sealed record LetterReturnedResponse(Guid LetterId, string Kind, DateTimeOffset ReturnedAt, bool CodeBlocked);
