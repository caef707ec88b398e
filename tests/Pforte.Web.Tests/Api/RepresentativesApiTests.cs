using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.Api;

public sealed class RepresentativesApiTests
{
    private static readonly string Represented = TestData.Kvnr(100);
    private static readonly string RepresentativeInsured = TestData.Kvnr(101);

    private static async Task<HttpClient> ArrangeAsync(PforteWebFactory factory)
    {
        var (kasse, key) = await factory.CreateClientAsync("core", TestData.Ik, ApiScopes.InsuredRead, ApiScopes.InsuredWrite);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        foreach (var kvnr in new[] { Represented, RepresentativeInsured })
        {
            db.InsuredPersons.Add(new InsuredPerson
            {
                Id = Guid.CreateVersion7(), KasseId = kasse.Id, Kvnr = kvnr, FamilyName = "Weiß", GivenName = "Grete",
                BirthDate = new DateOnly(1940, 5, 1), InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(1960, 1, 1),
                Street = "Am Markt", HouseNumber = "2", PostalCode = "35037", City = "Marburg", Country = "DE",
            });
        }
        await db.SaveChangesAsync();
        return factory.ClientWithKey(key);
    }

    private static object Body(string kind = "betreuer", bool einwilligungsvorbehalt = true, string[]? scope = null, string? validTo = null) => new
    {
        kind,
        familyName = "Schröder",
        givenName = "Hans",
        scope = scope ?? ["benefits-health-data", "address-change"],
        validFrom = "2024-01-01",
        validTo = validTo,
        proofReference = "AG Marburg 12 XVII 345/23",
        einwilligungsvorbehalt,
    };

    private static async Task<string> CodeOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("code").GetString()!;
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_betreuer_with_einwilligungsvorbehalt_is_recorded_listed_and_audited(string provider)
    {
        await using var factory = await PforteWebFactory.CreateAsync(provider);
        var http = await ArrangeAsync(factory);
        var ct = TestContext.Current.CancellationToken;

        var created = await http.PostAsJsonAsync($"/api/v1/insured/{Represented}/representatives", Body(), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var list = await http.GetFromJsonAsync<JsonElement>($"/api/v1/insured/{Represented}/representatives", ct);
        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal("betreuer", only.GetProperty("kind").GetString());
        Assert.True(only.GetProperty("einwilligungsvorbehalt").GetBoolean());
        Assert.Equal(["benefits-health-data", "address-change"], only.GetProperty("scope").EnumerateArray().Select(e => e.GetString()!).ToArray());

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditAction.RepresentativeRecorded && e.SubjectKvnr == Represented, ct));
    }

    [Fact]
    public async Task An_insured_person_can_be_the_representative()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var http = await ArrangeAsync(factory);
        var ct = TestContext.Current.CancellationToken;
        var response = await http.PostAsJsonAsync($"/api/v1/insured/{Represented}/representatives", new
        {
            kind = "bevollmaechtigter", representativeKvnr = RepresentativeInsured, scope = new[] { "*" },
            validFrom = "2025-01-01", validTo = "2027-12-31", proofReference = "Vollmacht vom 02.01.2025", einwilligungsvorbehalt = false,
        }, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("Weiß", view.GetProperty("familyName").GetString());
    }

    [Theory]
    [InlineData("bevollmaechtigter", true, null, null, ErrorCodes.RepresentativeEinwilligungsvorbehalt)]
    [InlineData("vormund", false, null, null, ErrorCodes.RepresentativeKindUnknown)]
    [InlineData("betreuer", false, new[] { "everything" }, null, ErrorCodes.RepresentativeScopeUnknown)]
    [InlineData("betreuer", false, new string[0], null, ErrorCodes.RepresentativeScopeEmpty)]
    [InlineData("betreuer", false, null, "2023-12-31", ErrorCodes.RepresentativeValidity)]
    public async Task Unsound_representations_are_refused_and_nothing_is_stored(string kind, bool ev, string[]? scope, string? validTo, string code)
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var http = await ArrangeAsync(factory);
        var ct = TestContext.Current.CancellationToken;
        var response = await http.PostAsJsonAsync($"/api/v1/insured/{Represented}/representatives", Body(kind, ev, scope, validTo), ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, await CodeOf(response));
        await using var s = factory.Services.CreateAsyncScope();
        Assert.Equal(0, await s.ServiceProvider.GetRequiredService<PforteDbContext>().Representatives.CountAsync(ct));
    }

    [Fact]
    public async Task A_client_of_another_kasse_cannot_record_or_list()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        await ArrangeAsync(factory);
        var (_, otherKey) = await factory.CreateClientAsync("other", TestData.OtherIk, ApiScopes.InsuredRead, ApiScopes.InsuredWrite);
        var other = factory.ClientWithKey(otherKey);
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/v1/insured/{Represented}/representatives", Body(), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/insured/{Represented}/representatives", ct)).StatusCode);
    }
}
