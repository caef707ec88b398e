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
using OpenTelemetry.Trace;
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

    /// <summary>Trace spans, when a test switches tracing on (<c>Pforte:Telemetry:OtlpEndpoint</c>); after the host's own processors.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity> Spans { get; } = new();

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
        // Also as host settings: a few are read while the services are registered (e.g. the tracing endpoint), before
        // the app configuration below is applied.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
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
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new OpenTelemetry.SimpleActivityExportProcessor(new SpanCollector(Spans))));
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

/// <summary>An exporter into the factory's queue (the in-memory exporter wants a list, which the host's threads would share).</summary>
internal sealed class SpanCollector(System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity> spans) : OpenTelemetry.BaseExporter<System.Diagnostics.Activity>
{
    public override OpenTelemetry.ExportResult Export(in OpenTelemetry.Batch<System.Diagnostics.Activity> batch)
    {
        foreach (var activity in batch)
        {
            spans.Enqueue(activity);
        }
        return OpenTelemetry.ExportResult.Success;
    }
}
