using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Insured.Import;
using Pforte.Core.Persistence;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

public static class InsuredApi
{
    public static RouteGroupBuilder MapInsuredApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var insured = v1.MapGroup("/insured").WithTags("Versicherte");

        insured.MapGet("/{kvnr}", async (string kvnr, HttpContext http, PforteDbContext db, CancellationToken ct) =>
        {
            if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var error))
            {
                return ProblemResults.Result(StatusCodes.Status400BadRequest, error);
            }
            var kasseId = http.User.GetKasseId();
            var person = await db.InsuredPersons.AsNoTracking()
                .Where(p => p.KasseId == kasseId && p.Kvnr == parsed.Value)
                .Select(p => new InsuredView(p.Kvnr, p.FamilyName, p.GivenName, p.BirthDate,
                    p.InsuranceKind == InsuranceKind.Family ? "family" : "member", p.MainMemberKvnr,
                    p.InsuranceStart, p.InsuranceEnd, p.Street, p.HouseNumber, p.PostalCode, p.City, p.Country,
                    p.Cards.Where(c => c.EndedAt == null).Select(c => c.CardNumber).FirstOrDefault(),
                    p.Cards.Where(c => c.EndedAt == null).Select(c => c.IssuedOn).FirstOrDefault(), p.DeceasedOn))
                .SingleOrDefaultAsync(ct).ConfigureAwait(false);
            return person is null
                ? ProblemResults.Result(StatusCodes.Status404NotFound, new Error(ErrorCodes.ApiPersonNotFound))
                : Results.Ok(person);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.InsuredRead))
        .WithName("GetInsured")
        .WithSummary("Stammdaten einer versicherten Person der eigenen Kasse.")
        .Produces<InsuredView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes)
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound));

        insured.MapPut("/{kvnr}", async (string kvnr, HttpContext http, InsuredValidator validator, UpsertInsured upsert, CancellationToken ct) =>
        {
            InsuredDocument? document;
            try
            {
                document = await http.Request.ReadFromJsonAsync<InsuredDocument>(ct).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return ProblemResults.Result(StatusCodes.Status400BadRequest, StrictJson.Describe(e));
            }
            catch (InvalidOperationException)
            {
                // Not declared as JSON (Content-Type): answered like every other endpoint's body.
                return ProblemResults.Result(StatusCodes.Status415UnsupportedMediaType, new Error(ErrorCodes.ApiUnsupportedMediaType));
            }
            if (document is null)
            {
                return ProblemResults.Result(StatusCodes.Status400BadRequest, new Error(ErrorCodes.ApiBodyMissing));
            }
            // The path names the person; a body KVNR is optional but must then be the same one.
            if (!string.IsNullOrEmpty(document.Kvnr) && !string.Equals(document.Kvnr, kvnr, StringComparison.Ordinal))
            {
                return ProblemResults.Result(StatusCodes.Status400BadRequest, new Error(ErrorCodes.ApiKvnrMismatch));
            }
            var errors = new List<FieldError>();
            var record = validator.Validate(document.ToFields(kvnr), errors);
            if (record is null)
            {
                return ValidationProblem(errors);
            }
            var result = await upsert.ExecuteAsync(http.User.GetKasseId(), record, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            if (!result.TryGetValue(out var outcome, out var error))
            {
                return ValidationProblem([new FieldError(InsuredColumns.CardNumber, error)]);
            }
            var view = InsuredView.From(outcome.Person, outcome.CurrentCard);
            return outcome.Kind == UpsertKind.Created
                ? Results.Created($"/api/v1/insured/{outcome.Person.Kvnr}", view)
                : Results.Ok(view);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.InsuredWrite))
        .WithName("PutInsured")
        .WithSummary("Legt eine versicherte Person der eigenen Kasse an oder aktualisiert sie (Upsert nach KVNR), nach denselben Regeln wie der CSV-Import.")
        .Accepts<InsuredDocument>("application/json")
        .Produces<InsuredView>(StatusCodes.Status200OK)
        .Produces<InsuredView>(StatusCodes.Status201Created)
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.ApiKvnrMismatch, ErrorCodes.ApiValidation));

        return insured;
    }

    private static IResult ValidationProblem(IEnumerable<FieldError> errors) =>
        ProblemResults.Result(StatusCodes.Status400BadRequest, new Error(ErrorCodes.ApiValidation), new Dictionary<string, object?>
        {
            ["errors"] = errors.Select(e => new FieldProblem(StrictJson.CamelCase(e.Field), e.Error.Code, e.Error.Message)).ToList(),
        });
}

/// <summary>One refused field in a PF-API-007 problem.</summary>
public sealed record FieldProblem(
    string Field,
    string Code,
    string Message);

/// <summary>
/// The body of <c>PUT /api/v1/insured/{kvnr}</c>: the import's CSV columns as JSON strings (dates yyyy-MM-dd),
/// checked by the same validator. Missing or null = empty cell.
/// </summary>
public sealed record InsuredDocument(
    string? Kvnr = null,
    string? FamilyName = null,
    string? GivenName = null,
    string? BirthDate = null,
    string? InsuranceKind = null,
    string? MainMemberKvnr = null,
    string? InsuranceStart = null,
    string? InsuranceEnd = null,
    string? Street = null,
    string? HouseNumber = null,
    string? PostalCode = null,
    string? City = null,
    string? Country = null,
    string? CardNumber = null,
    string? CardIssuedOn = null,
    string? DeceasedOn = null)
{
    public InsuredFields ToFields(string pathKvnr) => new(pathKvnr, FamilyName, GivenName, BirthDate, InsuranceKind, MainMemberKvnr,
        InsuranceStart, InsuranceEnd, Street, HouseNumber, PostalCode, City, Country, CardNumber, CardIssuedOn, DeceasedOn);
}

/// <summary>Insured master data as the API shows it; field names are the import columns in camelCase.</summary>
public sealed record InsuredView(
    string Kvnr,
    string FamilyName,
    string GivenName,
    DateOnly BirthDate,
    string InsuranceKind,
    string? MainMemberKvnr,
    DateOnly InsuranceStart,
    DateOnly? InsuranceEnd,
    string Street,
    string HouseNumber,
    string PostalCode,
    string City,
    string Country,
    string? CardNumber,
    DateOnly? CardIssuedOn,
    DateOnly? DeceasedOn)
{
    public static InsuredView From(InsuredPerson p, HealthCard? card)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.Kvnr, p.FamilyName, p.GivenName, p.BirthDate, p.InsuranceKind == Core.Insured.InsuranceKind.Family ? "family" : "member",
            p.MainMemberKvnr, p.InsuranceStart, p.InsuranceEnd, p.Street, p.HouseNumber, p.PostalCode, p.City, p.Country,
            card?.CardNumber, card?.IssuedOn, p.DeceasedOn);
    }
}
