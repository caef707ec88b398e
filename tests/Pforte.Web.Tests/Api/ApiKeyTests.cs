using System.Net;
using System.Text.Json;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Web.Tests.Api;

public sealed class ApiKeyTests
{
    private static async Task<string> CodeOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task Missing_key_gives_401_with_code()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var response = await factory.CreateClient().GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ErrorCodes.ApiUnauthenticated, await CodeOf(response));
    }

    [Theory]
    [InlineData("pf_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("nonsense")]
    [InlineData("")]
    public async Task Wrong_key_gives_401(string key)
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.InsuredRead);
        var response = await factory.ClientWithKey(key).GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ErrorCodes.ApiUnauthenticated, await CodeOf(response));
    }

    [Fact]
    public async Task A_tampered_secret_with_a_real_key_id_gives_401()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var (_, key) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.InsuredRead);
        var tampered = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        var response = await factory.ClientWithKey(tampered).GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Missing_scope_gives_403_naming_the_scope(string provider)
    {
        await using var factory = await PforteWebFactory.CreateAsync(provider);
        var (_, key) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.MachineAuth);
        var response = await factory.ClientWithKey(key).GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ErrorCodes.ApiForbidden, await CodeOf(response));
        Assert.Contains(ApiScopes.InsuredRead, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_right_key_with_the_scope_gets_through()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var (_, key) = await factory.CreateClientAsync("core", TestData.Ik, ApiScopes.InsuredRead);
        var response = await factory.ClientWithKey(key).GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ErrorCodes.ApiPersonNotFound, await CodeOf(response));
    }
}
