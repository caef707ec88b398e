using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests;

/// <summary>The real web host on a fresh test database (SQLite file or the throwaway PostgreSQL).</summary>
public sealed class PforteWebFactory(TestDb database, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public TestDb Database { get; } = database;

    /// <summary>Everything the host logged, for tests that check what operators are told.</summary>
    public LogCollector Logs { get; } = new();

    /// <summary>Every answer under /api/, checked against the OpenAPI document when the factory is disposed.</summary>
    public ContractRecorder Contract { get; } = new();

    /// <summary>For the few tests that send what the document forbids on purpose and check the answer themselves.</summary>
    public bool SkipContractCheck { get; set; }

    public static async Task<PforteWebFactory> CreateAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await TestDb.CreateAsync(provider), settings);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Database.Configuration)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration((_, config) =>
        {
            var values = new Dictionary<string, string?>(Database.Configuration)
            {
                // Tests start from an empty database unless a test asks for the first-start demo data.
                ["Pforte:Demo:SeedEmptyDatabase"] = "false",
                ["Pforte:Jobs:Enabled"] = "false",
            };
            if (settings is not null)
            {
                foreach (var (k, v) in settings)
                {
                    values[k] = v;
                }
            }
            config.AddInMemoryCollection(values);
        });
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            services.AddSingleton<IStartupFilter>(Contract);
        });
    }

    /// <summary>A Kasse and an API client with the given scopes; returns the client's key.</summary>
    public async Task<(Kasse Kasse, string Key)> CreateClientAsync(string name, string ik = TestData.Ik, params string[] scopes)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var kasse = db.Kassen.SingleOrDefault(k => k.Ik == ik) ?? await TestData.CreateKasseAsync(db, ik);
        var created = await scope.ServiceProvider.GetRequiredService<CreateApiClient>()
            .ExecuteAsync(kasse.Id, name, scopes, AuditContext.System("test"));
        return (kasse, created.Value.Key);
    }

    public HttpClient ClientWithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        var violations = new List<string>();
        if (!SkipContractCheck && Contract.Exchanges.Count > 0)
        {
            using var client = CreateClient();
            var document = (await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
            violations.AddRange(ContractRecorder.Check(document, Contract.Exchanges));
        }
        await base.DisposeAsync();
        await Database.DisposeAsync();
        Assert.True(violations.Count == 0, "Answers that disagree with /openapi/v1.json:\n" + string.Join("\n", violations.Distinct()));
    }
}
