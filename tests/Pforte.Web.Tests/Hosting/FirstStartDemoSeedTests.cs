using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pforte.Core.Demo;
using Pforte.Core.Persistence;
using Pforte.Testing;
using Pforte.Web.Hosting;

namespace Pforte.Web.Tests.Hosting;

public sealed partial class FirstStartDemoSeedTests
{
    private static readonly Dictionary<string, string?> SeedOn = new() { [DatabaseStartup.SeedEmptyDatabaseKey] = "true" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Persons, int Kassen)> CountsAsync(PforteWebFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        return (await db.InsuredPersons.CountAsync(Ct), await db.Kassen.CountAsync(Ct));
    }

    [Fact]
    public async Task The_first_start_on_an_empty_sqlite_database_seeds_200_persons_and_logs_the_demo_keys()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite", SeedOn);
        _ = factory.CreateClient(); // starts the host

        Assert.Equal((DatabaseStartup.FirstStartPersons, 1), await CountsAsync(factory));
        var info = factory.Logs.Entries.Where(e => e.Level == LogLevel.Information && e.Category == typeof(DatabaseStartup).FullName).Select(e => e.Message).ToList();
        Assert.Contains(info, m => m.Contains("200 Versicherte in der Demo-Kasse Pforte Demo-BKK", StringComparison.Ordinal));
        foreach (var (name, _) in SeedDemoData.DemoClients)
        {
            Assert.Contains(info, m => m.StartsWith($"Demo-API-Schlüssel für {name} ", StringComparison.Ordinal));
        }
        foreach (var (userName, _, _) in Pforte.Core.Staff.SeedDemoStaff.Accounts)
        {
            Assert.Contains(info, m => m.StartsWith($"Demo-Mitarbeiterkonto {userName} ", StringComparison.Ordinal));
        }

        // The logged key works: the core system's demo key reads a demo person.
        var coreLine = info.Single(m => m.StartsWith("Demo-API-Schlüssel für core-system-demo ", StringComparison.Ordinal));
        var key = KeyPattern().Match(coreLine).Value;
        string kvnr;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            kvnr = await db.InsuredPersons.Where(p => p.Id == DemoPopulation.PersonId(0)).Select(p => p.Kvnr).SingleAsync(Ct);
        }
        var response = await factory.ClientWithKey(key).GetAsync($"/api/v1/insured/{kvnr}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_second_start_on_the_seeded_database_adds_nothing_and_logs_no_keys()
    {
        await using var first = await PforteWebFactory.CreateAsync("sqlite", SeedOn);
        _ = first.CreateClient();
        await using var second = new PforteWebFactory(first.Database, SeedOn);
        _ = second.CreateClient();
        Assert.Equal((DatabaseStartup.FirstStartPersons, 1), await CountsAsync(second));
        Assert.DoesNotContain(second.Logs.Entries, e => e.Message.Contains("Demo-API-Schlüssel", StringComparison.Ordinal));
        Assert.DoesNotContain(second.Logs.Entries, e => e.Message.Contains("Demo-Mitarbeiterkonto", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Seeding_is_off_when_configured_off()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        _ = factory.CreateClient();
        Assert.Equal((0, 0), await CountsAsync(factory));
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Message.Contains("Demo", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostgreSQL_is_never_seeded_automatically()
    {
        await using var factory = await PforteWebFactory.CreateAsync("postgres", SeedOn);
        _ = factory.CreateClient();
        Assert.Equal((0, 0), await CountsAsync(factory));
    }

    [GeneratedRegex("pf_[0-9a-f]{12}_[A-Za-z0-9_-]+")]
    private static partial Regex KeyPattern();
}
