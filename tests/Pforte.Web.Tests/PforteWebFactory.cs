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
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Logs));
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
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }
}
