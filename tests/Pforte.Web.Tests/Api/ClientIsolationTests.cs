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

    /// <summary>SQLite: no key cache, every request reads the database — refused from the very next request.</summary>
    [Fact]
    public async Task On_sqlite_a_revoked_key_is_refused_from_the_next_request_on()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var (kasse, key) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.InsuredRead);
        var client = factory.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode);
        Assert.False(factory.Services.GetRequiredService<ApiKeyCache>().IsLive);

        await RevokeAsync(factory, kasse.Id);

        var response = await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ErrorCodes.ApiUnauthenticated, await CodeOf(response));
    }

    /// <summary>
    /// PostgreSQL: keys are served from the process's cache while its listener hears every change to the clients
    /// table; a revocation by another process (the CLI) — or by an operator's plain SQL — clears it within moments.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task On_postgres_a_cached_key_is_refused_as_soon_as_it_is_revoked(bool byPlainSql)
    {
        await using var factory = await PforteWebFactory.CreateAsync("postgres");
        var (kasse, key) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.InsuredRead);
        var client = factory.ClientWithKey(key);
        var cache = factory.Services.GetRequiredService<ApiKeyCache>();
        await WaitUntilAsync(() => cache.IsLive, "the listener never went live");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode);
        }
        Assert.True(cache.Hits >= 2, $"the key was not served from the cache ({cache.Hits} hits)");

        if (byPlainSql)
        {
            await using var db = factory.Database.NewContext();
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database,
                "UPDATE api_clients SET revoked_at = now() WHERE name = 'ivr'", Ct);
        }
        else
        {
            await RevokeAsync(factory, kasse.Id);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage response;
        while ((response = await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode != HttpStatusCode.Unauthorized)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "a revoked key was still accepted after 2 s");
            await Task.Delay(5, Ct);
        }
        Assert.Equal(ErrorCodes.ApiUnauthenticated, await CodeOf(response));
        // And it stays refused (a revoked client is never cached).
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode);
    }

    /// <summary>
    /// When the listener's connection dies, changes could go unheard: the cache is switched off (every request reads
    /// the database) until the listener has reconnected, and starts empty then.
    /// </summary>
    [Fact]
    public async Task On_postgres_the_cache_is_off_while_its_listener_is_disconnected()
    {
        await using var factory = await PforteWebFactory.CreateAsync("postgres");
        var (_, key) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.InsuredRead);
        var client = factory.ClientWithKey(key);
        var cache = factory.Services.GetRequiredService<ApiKeyCache>();
        await WaitUntilAsync(() => cache.IsLive, "the listener never went live");
        await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct);

        await using (var db = factory.Database.NewContext())
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pforte-api-client-listener' AND datname = current_database()", Ct);
        }
        await WaitUntilAsync(() => !cache.IsLive, "the cache stayed on without its listener");
        var hits = cache.Hits;
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode);
        Assert.Equal(hits, cache.Hits);

        await WaitUntilAsync(() => cache.IsLive, "the listener did not reconnect");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode); // read, then kept
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode);
        Assert.Equal(hits + 1, cache.Hits);
    }

    /// <summary>
    /// A cache is only as good as its notifications: with the trigger disabled (or missing, e.g. web hosts started
    /// before the migration) the listener keeps the cache off and says why, and a revoked key is refused at once.
    /// </summary>
    [Fact]
    public async Task On_postgres_without_the_change_trigger_the_cache_stays_off()
    {
        await using var factory = await PforteWebFactory.CreateAsync("postgres");
        await using (var db = factory.Database.NewContext())
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database,
                "ALTER TABLE api_clients DISABLE TRIGGER api_clients_changed", Ct);
        }
        var (kasse, key) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.InsuredRead); // starts the host
        var cache = factory.Services.GetRequiredService<ApiKeyCache>();
        await WaitUntilAsync(() => factory.Logs.Entries.Any(e => e.Message.Contains("api_clients_changed", StringComparison.Ordinal)),
            "the listener did not report the missing trigger");
        var client = factory.ClientWithKey(key);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode);
        }
        Assert.False(cache.IsLive);
        Assert.Equal(0, cache.Hits);

        await RevokeAsync(factory, kasse.Id); // no notification now — and none needed
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct)).StatusCode);
    }

    /// <summary>Revoked through the database, as the CLI (another process) does it.</summary>
    private static async Task RevokeAsync(PforteWebFactory factory, Guid kasseId)
    {
        await using var db = factory.Database.NewContext();
        var revoked = await new RevokeApiClient(db, new AuditLog(db, TimeProvider.System), TimeProvider.System)
            .ExecuteAsync(kasseId, "ivr", AuditContext.System("test"), Ct);
        Assert.True(revoked.IsSuccess);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), failure);
            await Task.Delay(10, Ct);
        }
    }
}
