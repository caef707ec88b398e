using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Commands;

public sealed class AuditAndDemoCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Exit, string Out, string Err)> RunAsync(TestDb testDb, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, overrides: testDb.Configuration, cancellationToken: Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Audit_verify_passes_then_fails_with_exit_1_after_tampering(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var seed = await RunAsync(testDb, "demo", "seed", "--count", "20");
        Assert.Equal(0, seed.Exit);

        var ok = await RunAsync(testDb, "audit", "verify");
        Assert.Equal((0, ""), (ok.Exit, ok.Err));
        // KasseCreated, five demo clients, three demo portal accounts, six demo staff accounts, DemoSeeded.
        Assert.Equal($"Kasse {Pforte.Core.Demo.SeedDemoData.DemoIk}: OK, 16 Einträge geprüft", ok.Out.Trim());

        await using (var db = testDb.NewContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE audit_entries SET outcome = 'Failure' WHERE seq = 3", Ct);
        }
        var broken = await RunAsync(testDb, "audit", "verify", "--kasse", Pforte.Core.Demo.SeedDemoData.DemoIk);
        Assert.Equal(CliApp.ExitCodes.Refused, broken.Exit);
        Assert.Contains("Kette 0 gebrochen bei Eintrag 3", broken.Err, StringComparison.Ordinal);
        Assert.Contains($"{ErrorCodes.AuditEntryAltered}: Protokolleintrag 3 wurde verändert", broken.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_prune_refuses_a_future_date_and_a_malformed_one()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await RunAsync(testDb, "demo", "seed", "--count", "5");
        var future = await RunAsync(testDb, "audit", "prune", "--before", DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(CliApp.ExitCodes.Refused, future.Exit);
        Assert.Contains(ErrorCodes.AuditPruneInFuture, future.Err, StringComparison.Ordinal);
        var malformed = await RunAsync(testDb, "audit", "prune", "--before", "01.02.2026");
        Assert.Equal(CliApp.ExitCodes.BadInput, malformed.Exit);
        Assert.Contains(ErrorCodes.DateArgumentInvalid, malformed.Err, StringComparison.Ordinal);
        var past = await RunAsync(testDb, "audit", "prune", "--before", "2020-01-01");
        Assert.Equal(0, past.Exit);
        Assert.Contains("keine Einträge vor dem 01.01.2020", past.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_seed_prints_what_it_created_with_the_demo_keys_and_refuses_real_data()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var seeded = await RunAsync(testDb, "demo", "seed", "--count", "25");
        Assert.Equal(0, seeded.Exit);
        Assert.Contains("Demo-Kasse 109999994 „Pforte Demo-BKK“ angelegt.", seeded.Out, StringComparison.Ordinal);
        Assert.Contains("25 versicherte Personen hinzugefügt, 25 insgesamt.", seeded.Out, StringComparison.Ordinal);
        Assert.Matches("Demo-Client ivr-demo \\(machine-auth\\): pf_[0-9a-f]{12}_", seeded.Out);
        Assert.Contains("Demo-Mitarbeiterkonto demo.telefon (Demo Telefon) / Passwort Pforte-Demo-Arbeitsplatz-2026; Schlüssel für die Authenticator-App: KBTG64TUMVCGK3LPKN2GCZTGFUZDAMRW", seeded.Out, StringComparison.Ordinal);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Count(seeded.Out, "Demo-Mitarbeiterkonto demo\\."));

        await using var realDb = await TestDb.CreateAsync("sqlite");
        await using (var db = realDb.NewContext())
        {
            await TestData.CreateKasseAsync(db);
        }
        var refused = await RunAsync(realDb, "demo", "seed", "--count", "25");
        Assert.Equal(CliApp.ExitCodes.Refused, refused.Exit);
        Assert.Contains(ErrorCodes.DemoRealData, refused.Err, StringComparison.Ordinal);
        var zero = await RunAsync(testDb, "demo", "seed", "--count", "0");
        Assert.Contains(ErrorCodes.DemoCountRange, zero.Err, StringComparison.Ordinal);
    }
}
