using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

/// <summary>
/// The audit record of the caller's own Kasse for auditors and the data protection officer (scope <c>audit:read</c>).
/// Filters and paging are checked in <see cref="ReadAuditEntries"/>; every read and every check is itself recorded.
/// </summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var audit = v1.MapGroup("/audit").WithTags("Protokoll");

        // The filters are declared for the document (and the generated client); the use case reads the whole query
        // string itself, so that an unknown or repeated parameter is refused instead of ignored.
#pragma warning disable IDE0060 // declared for the OpenAPI document
        audit.MapGet("/entries", async (string? from, string? to, string? kvnr, string? eventType, string? cursor, string? limit,
            HttpContext http, ReadAuditEntries read, CancellationToken ct) =>
        {
            // Query values as given; a parameter given twice is passed joined, so that it fails its check instead of one value winning.
            var query = http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
            var result = await read.ExecuteAsync(http.User.GetKasseId(), query, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var page, out var error)
                ? Results.Ok(new AuditPageView(page.Entries, page.NextCursor))
                : ProblemResults.Result(StatusCodes.Status400BadRequest, error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.AuditRead))
        .WithName("GetAuditEntries")
        .WithSummary("Protokolleinträge der eigenen Kasse, gefiltert nach Zeitraum (from, to: ISO 8601 mit Zeitzone), KVNR und Ereignisart (eventType: Nummer oder Name), seitenweise (cursor, limit 1–1000, Standard 100). Das Lesen wird selbst protokolliert.")
        .Produces<AuditPageView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Codes(ErrorCodes.AuditQueryParameterUnknown, ErrorCodes.AuditQueryInstantInvalid,
            ErrorCodes.AuditQueryRangeEmpty, ErrorCodes.AuditQueryEventTypeUnknown, ErrorCodes.AuditQueryCursorInvalid, ErrorCodes.AuditQueryLimitInvalid));
#pragma warning restore IDE0060

        audit.MapGet("/verify", async (HttpContext http, VerifyOwnAuditChain verify, CancellationToken ct) =>
        {
            var result = await verify.ExecuteAsync(http.User.GetKasseId(), RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            if (!result.TryGetValue(out var report, out var error))
            {
                return ProblemResults.Result(StatusCodes.Status400BadRequest, error);
            }
            var broken = report.FirstBreak is { } b ? new AuditBreakView(b.Chain, b.Seq, b.Code, b.Error.Message) : null;
            return Results.Ok(new AuditVerifyView(report.IsIntact, report.EntriesChecked, broken));
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.AuditRead))
        .WithName("VerifyAuditChain")
        .WithSummary("Prüft die Protokollkette der eigenen Kasse und nennt die erste gebrochene Stelle (wie pforte audit verify).")
        .Produces<AuditVerifyView>();
        return v1;
    }
}

public sealed record AuditPageView(IReadOnlyList<AuditEntryView> Entries, string? NextCursor);

public sealed record AuditBreakView(int Chain, long Seq, string Code, string Message);

public sealed record AuditVerifyView(bool Intact, long EntriesChecked, AuditBreakView? FirstBreak);
