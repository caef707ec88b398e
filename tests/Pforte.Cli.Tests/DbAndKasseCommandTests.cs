using Pforte.Testing;

namespace Pforte.Cli.Tests;

public sealed class DbAndKasseCommandTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Db_migrate_creates_the_schema_and_kasse_create_uses_it(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider, migrate: false);
        var migrate = await CliRunner.RunAsync(testDb.Configuration, "db", "migrate");
        Assert.Equal(0, migrate.ExitCode);
        Assert.Contains("Migration", migrate.Out, StringComparison.Ordinal);

        var again = await CliRunner.RunAsync(testDb.Configuration, "db", "migrate");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("aktuell", again.Out, StringComparison.Ordinal);

        var create = await CliRunner.RunAsync(testDb.Configuration, "kasse", "create", "--ik", TestData.Ik, "--name", "BKK Süd",
            "--street", "Hauptstraße", "--house-number", "1", "--postal-code", "60311", "--city", "Frankfurt am Main");
        Assert.Equal(0, create.ExitCode);
        var list = await CliRunner.RunAsync(testDb.Configuration, "kasse", "list");
        Assert.Contains("BKK Süd", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_ik_is_refused_with_its_code_and_nothing_is_created()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var create = await CliRunner.RunAsync(testDb.Configuration, "kasse", "create", "--ik", "260326821", "--name", "X",
            "--street", "X", "--house-number", "1", "--postal-code", "60311", "--city", "X");
        Assert.Equal(1, create.ExitCode);
        Assert.StartsWith("PF-IK-005: ", create.Err, StringComparison.Ordinal);
        var list = await CliRunner.RunAsync(testDb.Configuration, "kasse", "list");
        Assert.Equal("", list.Out.Trim());
    }

    [Fact]
    public async Task A_bad_provider_setting_stops_with_its_code()
    {
        var run = await CliRunner.RunAsync(new Dictionary<string, string?> { ["Pforte:Database:Provider"] = "oracle" }, "kasse", "list");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("PF-DB-001", run.Err, StringComparison.Ordinal);
    }
}
