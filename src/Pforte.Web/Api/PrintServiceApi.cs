using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

/// <summary>
/// Letter status for the print service (scope <c>letters</c>): a batch with its letters' states, or one letter. The
/// print service reports returned mail through <c>POST /api/v1/letters/{id}/returned</c> (<see cref="LettersApi"/>),
/// open to <c>staff</c> and <c>letters</c>. Never an address, a letter's content or a code.
/// </summary>
public static class PrintServiceApi
{
    public static RouteGroupBuilder MapPrintServiceApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var letters = v1.MapGroup("/letters").WithTags("Briefe");

        letters.MapGet("/batches/{batchId}", async (string batchId, HttpContext http, ReadLetterStatus read, CancellationToken ct) =>
        {
            var result = await read.BatchAsync(http.User.GetKasseId(), batchId, ct).ConfigureAwait(false);
            return result.TryGetValue(out var batch, out var error)
                ? Results.Ok(new BatchStatusView(batch.BatchId, batch.HandedOverAt, batch.LetterCount, batch.ReturnedCount, batch.Letters.Select(LetterStatusView.From).ToList()))
                : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Letters))
        .WithName("GetLetterBatch")
        .WithSummary("Druckdienst: ein Druckstapel der eigenen Kasse mit dem Stand jedes Briefs (übergeben, unzustellbar).")
        .Produces<BatchStatusView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.LetterBatchIdInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.LetterBatchNotFound));

        letters.MapGet("/{letterId}", async (string letterId, HttpContext http, ReadLetterStatus read, CancellationToken ct) =>
        {
            var result = await read.LetterAsync(http.User.GetKasseId(), letterId, ct).ConfigureAwait(false);
            return result.TryGetValue(out var letter, out var error) ? Results.Ok(LetterStatusView.From(letter)) : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Letters))
        .WithName("GetLetterStatus")
        .WithSummary("Druckdienst: der Stand eines Briefs der eigenen Kasse (eingereiht, übergeben, unzustellbar) – nie Anschrift oder Inhalt.")
        .Produces<LetterStatusView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.LetterIdInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.LetterNotFound));
        return v1;
    }

    private static IResult Problem(Error error) => ProblemResults.Result(
        error.Code is ErrorCodes.LetterNotFound or ErrorCodes.LetterBatchNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, error);
}

public sealed record LetterStatusView(Guid LetterId, string Kind, string State, DateTimeOffset QueuedAt, DateTimeOffset? HandedOverAt, Guid? BatchId, DateTimeOffset? ReturnedAt)
{
    public static LetterStatusView From(LetterStatus s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.LetterId, s.Kind, s.State, s.QueuedAt, s.HandedOverAt, s.BatchId, s.ReturnedAt);
    }
}

public sealed record BatchStatusView(Guid BatchId, DateTimeOffset HandedOverAt, int LetterCount, int ReturnedCount, IReadOnlyList<LetterStatusView> Letters);
