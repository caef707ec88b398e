using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Web.Tests.Hosting;

public sealed partial class ApiSurfaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Checks a problem body: JSON problem, the expected code, and nothing that looks like a stack trace or exception.</summary>
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"exception\"", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement.Clone();
        Assert.Equal(code, root.GetProperty("code").GetString());
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("detail").GetString()));
        return root;
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_insured_endpoint_and_the_bearer_scheme()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = json.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var get = root.GetProperty("paths").GetProperty("/api/v1/insured/{kvnr}").GetProperty("get");
        Assert.Equal("Versicherte", get.GetProperty("tags")[0].GetString());
        Assert.False(string.IsNullOrWhiteSpace(get.GetProperty("summary").GetString()));
        Assert.True(get.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
    }

    [GeneratedRegex("""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex AssetReference();

    [Fact]
    public async Task The_reference_page_loads_only_assets_of_this_host()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var client = factory.CreateClient();
        var response = await client.GetAsync("/scalar", Ct);
        if (response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Redirect)
        {
            response = await client.GetAsync(response.Headers.Location, Ct);
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(assets);
        Assert.DoesNotMatch("(?i)https?://|//cdn|jsdelivr|unpkg|fonts\\.", string.Join(" ", assets));
        Assert.DoesNotContain("cdn.jsdelivr", html, StringComparison.OrdinalIgnoreCase);
        foreach (var asset in assets)
        {
            var assetResponse = await client.GetAsync(new Uri(response.RequestMessage!.RequestUri!, asset), Ct);
            Assert.True(assetResponse.IsSuccessStatusCode, $"{asset}: {(int)assetResponse.StatusCode}");
        }
        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self' 'sha256-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-inline'", csp.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain("http", csp, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Health_endpoints_answer_anonymously(string provider)
    {
        await using var factory = await PforteWebFactory.CreateAsync(provider);
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
        var ready = await client.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Ready_is_503_while_the_database_is_unreachable_and_live_stays_200()
    {
        // Nothing listens on port 1: the connection is refused at once.
        await using var factory = await PforteWebFactory.CreateAsync("postgres", new Dictionary<string, string?>
        {
            ["Pforte:Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=pforte;Password=x;Database=pforte;Timeout=3",
        });
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_request_while_the_database_is_unreachable_is_a_503_problem_to_retry_not_a_500()
    {
        await using var factory = await PforteWebFactory.CreateAsync("postgres", new Dictionary<string, string?>
        {
            ["Pforte:Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=pforte;Password=x;Database=pforte;Timeout=3",
        });
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/machine-auth/verify")
        {
            Content = new StringContent("""{"kvnr":"A123456780","cardNumber":"1234567890","code":"1234","channel":"portal"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "pf_0123456789ab_" + new string('0', 64));

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("PF-API-503", problem.GetProperty("code").GetString());
        Assert.Contains("Datenbank", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_served_in_Prometheus_format()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var client = factory.CreateClient();
        await client.GetAsync("/health/live", Ct);

        var response = await client.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("http_server_request_duration", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_API_route_is_a_404_problem_with_a_code()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var response = await factory.CreateClient().GetAsync("/api/v1/nothing-here", Ct);
        await AssertProblemAsync(response, HttpStatusCode.NotFound, ErrorCodes.ApiNoSuchEndpoint);
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_problem_with_a_code()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var response = await factory.CreateClient().DeleteAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct);
        var problem = await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, ErrorCodes.ApiMethodNotAllowed);
        Assert.Contains("DELETE", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var big = new string('x', 100 * 1024);
        var response = await factory.CreateClient().PutAsync($"/api/v1/insured/{TestData.Kvnr(1)}",
            new StringContent($"{{\"a\":\"{big}\"}}", Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.ApiBodyTooLarge);
    }

    private sealed record Probe(string Name, int Count);

    /// <summary>
    /// A JSON endpoint built exactly as minimal APIs build theirs (RequestDelegateFactory), placed behind the real
    /// pipeline, so malformed JSON and oversized chunked bodies go through the host's own error handling.
    /// </summary>
    private sealed class ProbeEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            var probe = RequestDelegateFactory.Create((Probe p) => Results.Ok(p), new RequestDelegateFactoryOptions { ServiceProvider = app.ApplicationServices }).RequestDelegate;
            app.Use((context, nextMiddleware) => context.Request.Path.Value switch
            {
                "/api/v1/test-probe" => probe(context),
                "/api/v1/test-audit-context" => context.Response.WriteAsync(Web.Hosting.RequestAuditContext.ForClient(context).CorrelationId ?? ""),
                _ => nextMiddleware(context),
            });
        };
    }

    [Theory]
    [InlineData("{\"name\": \"x\", \"count\": ")]
    [InlineData("not json at all")]
    [InlineData("{\"name\": \"x\", \"count\": \"many\"}")]
    public async Task Malformed_JSON_is_a_400_problem_with_a_code(string body)
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        factory.SkipContractCheck = true; // the probe is a test endpoint, not part of the API
        var client = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, ProbeEndpoint>())).CreateClient();

        var ok = await client.PostAsync("/api/v1/test-probe", new StringContent("{\"name\":\"x\",\"count\":1}", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var response = await client.PostAsync("/api/v1/test-probe", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ErrorCodes.ApiMalformedBody);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_a_413_problem()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        factory.SkipContractCheck = true; // the probe is a test endpoint, not part of the API
        var client = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, ProbeEndpoint>())).CreateClient();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"name\":\"{new string('x', 100 * 1024)}\",\"count\":1}}")));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/test-probe") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request, Ct);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.ApiBodyTooLarge);
    }

    [Fact]
    public async Task An_unhandled_exception_is_a_500_problem_without_details()
    {
        const string Secret = "geheime-interna-4711";
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        // The key check's dependency fails: an exception deep inside the pipeline, as a real fault would be.
        var client = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddScoped<AuthenticateApiKey>(_ => throw new InvalidOperationException(Secret)))).CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "pf_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        var response = await client.GetAsync($"/api/v1/insured/{TestData.Kvnr(1)}", Ct);

        await AssertProblemAsync(response, HttpStatusCode.InternalServerError, ErrorCodes.ApiInternal);
        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.Contains("X-Correlation-Id"));
    }

    [Theory]
    [InlineData("/api/v1/insured/A123456789")]
    [InlineData("/health/live")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/v1/nothing-here")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var response = await factory.CreateClient().GetAsync(path, Ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(Web.Hosting.SecurityHeaders.ApiPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task A_valid_correlation_id_is_echoed()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/insured/{TestData.Kvnr(1)}");
        request.Headers.Add("X-Correlation-Id", "ivr-call_2026.11.28-0815");

        var response = await factory.CreateClient().SendAsync(request, Ct);

        Assert.Equal("ivr-call_2026.11.28-0815", response.Headers.GetValues("X-Correlation-Id").Single());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("ivr-call_2026.11.28-0815", json.RootElement.GetProperty("correlationId").GetString());
    }

    [Theory]
    [InlineData("has spaces")]
    [InlineData("semi;colon")]
    [InlineData("ümlaut")]
    [InlineData("")]
    public async Task An_invalid_correlation_id_is_replaced(string presented)
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", presented);

        var response = await factory.CreateClient().SendAsync(request, Ct);

        var echoed = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.NotEqual(presented, echoed);
        Assert.True(Web.Hosting.CorrelationId.IsValid(echoed));
    }

    [Fact]
    public async Task A_too_long_correlation_id_is_replaced_and_128_characters_are_kept()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var client = factory.CreateClient();
        foreach (var (length, kept) in new[] { (128, true), (129, false) })
        {
            var presented = new string('a', length);
            var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
            request.Headers.Add("X-Correlation-Id", presented);
            var echoed = (await client.SendAsync(request, Ct)).Headers.GetValues("X-Correlation-Id").Single();
            Assert.Equal(kept, echoed == presented);
        }
    }

    [Fact]
    public async Task The_audit_context_of_a_request_records_its_correlation_id()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        factory.SkipContractCheck = true; // the probe is a test endpoint, not part of the API
        var client = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, ProbeEndpoint>())).CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/test-audit-context");
        request.Headers.Add("X-Correlation-Id", "portal-4711");

        var response = await client.SendAsync(request, Ct);

        Assert.Equal("portal-4711", await response.Content.ReadAsStringAsync(Ct));
        var generated = await client.GetAsync("/api/v1/test-audit-context", Ct);
        Assert.Equal(generated.Headers.GetValues("X-Correlation-Id").Single(), await generated.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Without_a_correlation_id_one_is_generated()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var response = await factory.CreateClient().GetAsync("/health/live", Ct);
        Assert.True(Web.Hosting.CorrelationId.IsValid(response.Headers.GetValues("X-Correlation-Id").Single()));
    }
}
