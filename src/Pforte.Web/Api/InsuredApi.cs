using Microsoft.EntityFrameworkCore;
using Pforte.Core.Clients;
using Pforte.Core.Common;
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
                    p.InsuranceKind == Core.Insured.InsuranceKind.Family ? "family" : "member", p.MainMemberKvnr,
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
        .WithSummary("Stammdaten einer versicherten Person der eigenen Kasse.");

        return insured;
    }
}

/// <summary>Insured master data as the API shows it; field names match the import columns.</summary>
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
    DateOnly? DeceasedOn);
