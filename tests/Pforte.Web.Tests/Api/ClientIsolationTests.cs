using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.Api;

public sealed class ClientIsolationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> CodeOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("code").GetString()!;
    }

    private static InsuredPerson Person(Guid kasseId, string kvnr) => new()
    {
        Id = Guid.CreateVersion7(),
        KasseId = kasseId,
        Kvnr = kvnr,
        FamilyName = "Müßig",
        GivenName = "Jürgen",
        BirthDate = new DateOnly(1980, 2, 29),
        InsuranceKind = InsuranceKind.Member,
        InsuranceStart = new DateOnly(2000, 1, 1),
        Street = "Lindenstraße",
        HouseNumber = "5a",
        PostalCode = "60311",
        City = "Frankfurt am Main",
        Country = "DE",
    };

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_client_sees_only_persons_of_its_own_Kasse(string provider)
    {
        await using var factory = await PforteWebFactory.CreateAsync(provider);
        var (kasseA, keyA) = await factory.CreateClientAsync("core-a", TestData.Ik, ApiScopes.InsuredRead);
        var (kasseB, keyB) = await factory.CreateClientAsync("core-b", TestData.OtherIk, ApiScopes.InsuredRead);
        var kvnrOfB = TestData.Kvnr(7);
        await using (var db = factory.Database.NewContext())
        {
            db.InsuredPersons.Add(Person(kasseB.Id, kvnrOfB));
            await db.SaveChangesAsync(Ct);
        }
        Assert.NotEqual(kasseA.Id, kasseB.Id);

        var fromA = await factory.ClientWithKey(keyA).GetAsync($"/api/v1/insured/{kvnrOfB}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, fromA.StatusCode);
        Assert.Equal(ErrorCodes.ApiPersonNotFound, await CodeOf(fromA));

        var fromB = await factory.ClientWithKey(keyB).GetAsync($"/api/v1/insured/{kvnrOfB}", Ct);
        Assert.Equal(HttpStatusCode.OK, fromB.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_revoked_key_is_refused_from_the_next_request_on(string provider)
    {
        await using var factory = await PforteWebFactory.CreateAsync(provider);
        var (kasse, key) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.InsuredRead);
        var client = factory.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode);

        // Revoked through the database, as the CLI (another process) does it.
        await using (var db = factory.Database.NewContext())
        {
            var revoked = await new RevokeApiClient(db, new AuditLog(db, TimeProvider.System), TimeProvider.System)
                .ExecuteAsync(kasse.Id, "ivr", AuditContext.System("test"), Ct);
            Assert.True(revoked.IsSuccess);
        }

        var response = await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ErrorCodes.ApiUnauthenticated, await CodeOf(response));
    }
}
