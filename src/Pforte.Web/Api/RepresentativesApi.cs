using Microsoft.EntityFrameworkCore;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

public static class RepresentativesApi
{
    public static RouteGroupBuilder MapRepresentativesApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/insured/{kvnr}/representatives").WithTags("Vertretungen");

        group.MapPost("/", async (string kvnr, RepresentativeRequest body, HttpContext http, RecordRepresentative record, CancellationToken ct) =>
        {
            var result = await record.ExecuteAsync(http.User.GetKasseId(), kvnr, body.ToInput(), RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            if (!result.TryGetValue(out var representative, out var error))
            {
                var status = error.Code == ErrorCodes.ApiPersonNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
                return ProblemResults.Result(status, error);
            }
            return Results.Created($"/api/v1/insured/{kvnr}/representatives/{representative.Id}", RepresentativeView.From(representative, null));
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.InsuredWrite))
        .WithName("RecordRepresentative")
        .Produces<RepresentativeView>(StatusCodes.Status201Created)
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Family("PF-REP-"), ApiDocs.Codes(ErrorCodes.FieldRequired))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound))
        .WithSummary("Erfasst eine Vertretung (Betreuung, Vollmacht, gesetzliche Vertretung) mit Umfang, Gültigkeit und Nachweis.");

        group.MapGet("/", async (string kvnr, HttpContext http, PforteDbContext db, CancellationToken ct) =>
        {
            if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var error))
            {
                return ProblemResults.Result(StatusCodes.Status400BadRequest, error);
            }
            var kasseId = http.User.GetKasseId();
            var person = await db.InsuredPersons.AsNoTracking()
                .Where(p => p.KasseId == kasseId && p.Kvnr == parsed.Value).Select(p => new { p.Id }).SingleOrDefaultAsync(ct).ConfigureAwait(false);
            if (person is null)
            {
                return ProblemResults.Result(StatusCodes.Status404NotFound, new Error(ErrorCodes.ApiPersonNotFound));
            }
            var rows = await (from r in db.Representatives.AsNoTracking()
                              where r.RepresentedPersonId == person.Id
                              join p in db.InsuredPersons on r.RepresentativePersonId equals p.Id into reps
                              from p in reps.DefaultIfEmpty()
                              orderby r.ValidFrom
                              select new { r, RepresentativeKvnr = p == null ? null : p.Kvnr }).ToListAsync(ct).ConfigureAwait(false);
            return Results.Ok(rows.Select(x => RepresentativeView.From(x.r, x.RepresentativeKvnr)).ToList());
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.InsuredRead))
        .WithName("ListRepresentatives")
        .Produces<List<RepresentativeView>>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes)
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound))
        .WithSummary("Listet die erfassten Vertretungen einer versicherten Person.");

        return group;
    }
}

public sealed record RepresentativeRequest(
    string Kind,
    IReadOnlyList<string> Scope,
    DateOnly ValidFrom,
    string ProofReference,
    bool Einwilligungsvorbehalt,
    string? RepresentativeKvnr = null,
    string? FamilyName = null,
    string? GivenName = null,
    DateOnly? BirthDate = null,
    DateOnly? ValidTo = null)
{
    public RepresentativeInput ToInput() =>
        new(Kind, RepresentativeKvnr, FamilyName, GivenName, BirthDate, Scope, ValidFrom, ValidTo, ProofReference, Einwilligungsvorbehalt);
}

public sealed record RepresentativeView(
    Guid Id,
    string Kind,
    string? RepresentativeKvnr,
    string FamilyName,
    string GivenName,
    DateOnly? BirthDate,
    IReadOnlyList<string> Scope,
    DateOnly ValidFrom,
    DateOnly? ValidTo,
    string ProofReference,
    bool Einwilligungsvorbehalt)
{
    public static RepresentativeView From(Representative r, string? representativeKvnr)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, RecordRepresentative.NameOf(r.Kind), representativeKvnr, r.FamilyName, r.GivenName, r.BirthDate,
            r.Scope.Split(',', StringSplitOptions.RemoveEmptyEntries), r.ValidFrom, r.ValidTo, r.ProofReference, r.Einwilligungsvorbehalt);
    }
}
