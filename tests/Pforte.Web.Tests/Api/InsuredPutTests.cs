using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.Api;

public sealed class InsuredPutTests
{
    private static Dictionary<string, string?> Body(int n, string? card = null) => new()
    {
        ["kvnr"] = TestData.Kvnr(n),
        ["familyName"] = "Müßig",
        ["givenName"] = "Jürgen",
        ["birthDate"] = "1980-02-29",
        ["insuranceKind"] = "member",
        ["insuranceStart"] = "2000-01-01",
        ["street"] = "Lindenstraße",
        ["houseNumber"] = "5a",
        ["postalCode"] = "60311",
        ["city"] = "Frankfurt am Main",
        ["cardNumber"] = card ?? TestData.Card(n),
        ["cardIssuedOn"] = "2024-03-01",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Put_creates_201_then_updates_200_then_unchanged_200_and_get_shows_the_same_shape(string provider)
    {
        await using var factory = await PforteWebFactory.CreateAsync(provider);
        var (kasse, key) = await factory.CreateClientAsync("core", TestData.Ik, ApiScopes.InsuredWrite, ApiScopes.InsuredRead);
        var client = factory.ClientWithKey(key);
        var url = $"/api/v1/insured/{TestData.Kvnr(1)}";

        var created = await client.PutAsJsonAsync(url, Body(1), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await JsonOf(created);
        Assert.Equal("Müßig", json.GetProperty("familyName").GetString());
        Assert.Equal("DE", json.GetProperty("country").GetString());
        Assert.Equal(TestData.Card(1), json.GetProperty("cardNumber").GetString());

        var changed = Body(1, TestData.Card(2));
        changed["street"] = "Neue Straße";
        var updated = await client.PutAsJsonAsync(url, changed, Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(TestData.Card(2), (await JsonOf(updated)).GetProperty("cardNumber").GetString());

        var same = await client.PutAsJsonAsync(url, changed, Ct);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);

        var get = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var shown = await JsonOf(get);
        Assert.Equal("Neue Straße", shown.GetProperty("street").GetString());
        Assert.Equal("1980-02-29", shown.GetProperty("birthDate").GetString());
        Assert.Equal((await JsonOf(updated)).EnumerateObject().Select(p => p.Name), shown.EnumerateObject().Select(p => p.Name));

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var person = await db.InsuredPersons.Include(p => p.Cards).SingleAsync(Ct);
        Assert.Single(person.Cards, c => c.EndedAt == null);
        Assert.Equal(2, person.Cards.Count);
        var actions = await db.AuditEntries.Where(a => a.SubjectPersonId == person.Id).OrderBy(a => a.Seq).Select(a => a.Action).ToListAsync(Ct);
        Assert.Equal([AuditAction.InsuredCreated, AuditAction.CardRecorded, AuditAction.AddressChanged], actions);
        Assert.All(await db.AuditEntries.Where(a => a.SubjectPersonId == person.Id).ToListAsync(Ct), a => Assert.Equal(ActorKind.Client, a.ActorKind));
        Assert.Equal(kasse.Id, person.KasseId);
    }

    [Fact]
    public async Task Ending_insurance_and_recording_death_are_audited_and_an_empty_card_keeps_the_current_one()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var (_, key) = await factory.CreateClientAsync("core", TestData.Ik, ApiScopes.InsuredWrite);
        var client = factory.ClientWithKey(key);
        var url = $"/api/v1/insured/{TestData.Kvnr(1)}";
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync(url, Body(1), Ct)).StatusCode);
        var body = Body(1);
        body["cardNumber"] = null;
        body["cardIssuedOn"] = null;
        body["insuranceEnd"] = "2026-01-31";
        body["deceasedOn"] = "2026-01-15";
        var response = await client.PutAsJsonAsync(url, body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonOf(response);
        Assert.Equal(TestData.Card(1), json.GetProperty("cardNumber").GetString());
        Assert.Equal("2026-01-15", json.GetProperty("deceasedOn").GetString());

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var actions = await db.AuditEntries.Where(a => a.SubjectPersonId != null).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Ct);
        Assert.Equal([AuditAction.InsuredCreated, AuditAction.InsuranceEnded, AuditAction.DeathRecorded], actions);
        Assert.Equal(1, await db.HealthCards.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Field_errors_give_400_PF_API_007_with_an_errors_array(string provider)
    {
        await using var factory = await PforteWebFactory.CreateAsync(provider);
        var (_, key) = await factory.CreateClientAsync("core", TestData.Ik, ApiScopes.InsuredWrite);
        var body = Body(1);
        body["birthDate"] = "29.02.1980";
        body["postalCode"] = "603";
        var response = await factory.ClientWithKey(key).PutAsJsonAsync($"/api/v1/insured/{TestData.Kvnr(1)}", body, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await JsonOf(response);
        Assert.Equal(ErrorCodes.ApiValidation, json.GetProperty("code").GetString());
        var errors = json.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("field").GetString(), e.GetProperty("code").GetString())).ToList();
        Assert.Contains(("birthDate", ErrorCodes.FieldDate), errors);
        Assert.Contains(("postalCode", ErrorCodes.PostalCodeInvalid), errors);
        Assert.All(json.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));
    }

    [Fact]
    public async Task Path_and_body_kvnr_must_agree_and_malformed_json_is_PF_API_003()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var (_, key) = await factory.CreateClientAsync("core", TestData.Ik, ApiScopes.InsuredWrite);
        var client = factory.ClientWithKey(key);
        var mismatch = await client.PutAsJsonAsync($"/api/v1/insured/{TestData.Kvnr(2)}", Body(1), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal(ErrorCodes.ApiKvnrMismatch, (await JsonOf(mismatch)).GetProperty("code").GetString());

        var malformed = await client.PutAsync($"/api/v1/insured/{TestData.Kvnr(1)}", new StringContent("{\"familyName\": ", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(ErrorCodes.ApiMalformedBody, (await JsonOf(malformed)).GetProperty("code").GetString());

        var wrongType = await client.PutAsync($"/api/v1/insured/{TestData.Kvnr(1)}", new StringContent("{\"familyName\": 5}", Encoding.UTF8, "application/json"), Ct);
        var wrongTypeBody = await JsonOf(wrongType);
        Assert.Equal(ErrorCodes.ApiFieldType, wrongTypeBody.GetProperty("code").GetString());
        Assert.Contains("familyName", wrongTypeBody.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_key_401_and_without_write_scope_403()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var (_, readOnly) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.InsuredRead);
        var url = $"/api/v1/insured/{TestData.Kvnr(1)}";
        var anonymous = await factory.CreateClient().PutAsJsonAsync(url, Body(1), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var forbidden = await factory.ClientWithKey(readOnly).PutAsJsonAsync(url, Body(1), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains(ApiScopes.InsuredWrite, await forbidden.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Another_kasse_can_neither_see_nor_overwrite_nor_take_the_card(string provider)
    {
        await using var factory = await PforteWebFactory.CreateAsync(provider);
        var (_, ours) = await factory.CreateClientAsync("core", TestData.Ik, ApiScopes.InsuredWrite, ApiScopes.InsuredRead);
        var (_, theirs) = await factory.CreateClientAsync("core", TestData.OtherIk, ApiScopes.InsuredWrite, ApiScopes.InsuredRead);
        var url = $"/api/v1/insured/{TestData.Kvnr(1)}";
        Assert.Equal(HttpStatusCode.Created, (await factory.ClientWithKey(ours).PutAsJsonAsync(url, Body(1), Ct)).StatusCode);

        var other = factory.ClientWithKey(theirs);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(url, Ct)).StatusCode);
        // Same KVNR, other Kasse, same card: the card is ours, so refused; nothing of ours changes.
        var takeCard = Body(1);
        takeCard["familyName"] = "Fremd";
        var refused = await other.PutAsJsonAsync(url, takeCard, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await JsonOf(refused)).GetProperty("errors")[0];
        Assert.Equal(("cardNumber", ErrorCodes.CardTakenByOther), (error.GetProperty("field").GetString(), error.GetProperty("code").GetString()));
        // Without the card it is a separate person of the other Kasse; ours is untouched.
        takeCard["cardNumber"] = null;
        takeCard["cardIssuedOn"] = null;
        Assert.Equal(HttpStatusCode.Created, (await other.PutAsJsonAsync(url, takeCard, Ct)).StatusCode);
        var mine = await JsonOf(await factory.ClientWithKey(ours).GetAsync(url, Ct));
        Assert.Equal("Müßig", mine.GetProperty("familyName").GetString());
        Assert.Equal(TestData.Card(1), mine.GetProperty("cardNumber").GetString());
    }
}
