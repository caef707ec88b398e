using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Testing.Web;

/// <summary>
/// The real web host (portal, workspace, API), on Kestrel at <c>http://localhost:&lt;port&gt;</c> (a host name, not an IP address, so that
/// WebAuthn accepts it as relying party), on a fresh SQLite or PostgreSQL test database that holds one Kasse.
/// </summary>
public sealed class PforteHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?>? _settings;

    private PforteHost(TestDb database, IReadOnlyDictionary<string, string?>? settings)
    {
        Database = database;
        _settings = settings;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public TestDb Database { get; }

    /// <summary>The Kasse every test person belongs to.</summary>
    public Kasse Kasse { get; private set; } = null!;

    /// <summary><c>http://localhost:&lt;port&gt;</c>, without a trailing slash.</summary>
    public string BaseUrl { get; private set; } = "";

    public static async Task<PforteHost> StartAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null, bool withKasse = true)
    {
        var host = new PforteHost(await TestDb.CreateAsync(provider), settings);
        host.StartServer();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.BaseUrl = "http://localhost:" + new Uri(address).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (withKasse)
        {
            await using var scope = host.Services.CreateAsyncScope();
            host.Kasse = await TestData.CreateKasseAsync(scope.ServiceProvider.GetRequiredService<PforteDbContext>());
        }
        return host;
    }

    /// <summary>A database context on the host's database, for arranging and checking.</summary>
    public PforteDbContext NewContext() => Database.NewContext();

    /// <summary>A scope of the host's services, for calling Core use cases the way the pages do.</summary>
    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    public string Url(string path) => BaseUrl + path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Database.Configuration)
        {
            builder.UseSetting(key, value);
        }
        // Settings Program.cs reads before Build (the surfaces) must be host settings: the configuration callbacks
        // below only apply at Build.
        foreach (var (key, value) in _settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration((_, config) =>
        {
            var values = new Dictionary<string, string?>(Database.Configuration)
            {
                ["Pforte:Demo:SeedEmptyDatabase"] = "false",
                ["Pforte:Jobs:Enabled"] = "false",
            };
            foreach (var (k, v) in _settings ?? new Dictionary<string, string?>())
            {
                values[k] = v;
            }
            config.AddInMemoryCollection(values);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
