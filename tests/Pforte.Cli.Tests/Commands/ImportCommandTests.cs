using System.Text;
using Pforte.Cli;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Commands;

public sealed class ImportCommandTests : IDisposable
{
    private const string Header = "kvnr;family_name;given_name;birth_date;insurance_kind;main_member_kvnr;insurance_start;insurance_end;street;house_number;postal_code;city;country;card_number;card_issued_on;deceased_on";
    private readonly List<string> _files = [];

    private static string Row(int n, string kvnr = "") =>
        $"{(kvnr.Length > 0 ? kvnr : TestData.Kvnr(n))};Müßig;Jürgen;1980-02-29;member;;2000-01-01;;Lindenstraße;5a;60311;Frankfurt am Main;DE;{TestData.Card(n)};2024-03-01;";

    private string Csv(params string[] lines)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pforte-cli-import-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        _files.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var f in _files)
        {
            File.Delete(f);
        }
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(TestDb testDb, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, overrides: testDb.Configuration, cancellationToken: TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static async Task<int> CountAsync(TestDb testDb)
    {
        await using var db = testDb.NewContext();
        return db.InsuredPersons.Count();
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_clean_file_imports_with_exit_0_and_a_summary(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using (var db = testDb.NewContext())
        {
            await TestData.CreateKasseAsync(db);
        }
        var file = Csv(Header, Row(1), Row(2));
        var (exit, output, _) = await RunAsync(testDb, "import", "insured", file);
        Assert.Equal(CliApp.ExitCodes.Ok, exit);
        Assert.Contains("Zeilen: 2, neu: 2, geändert: 0, unverändert: 0, Karten erfasst: 2, fehlerhaft: 0", output, StringComparison.Ordinal);
        var (again, secondOutput, _) = await RunAsync(testDb, "import", "insured", file, "--kasse", TestData.Ik);
        Assert.Equal(CliApp.ExitCodes.Ok, again);
        Assert.Contains("neu: 0, geändert: 0, unverändert: 2", secondOutput, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(testDb));
    }

    [Fact]
    public async Task Bad_rows_are_reported_with_line_and_column_and_nothing_is_written_exit_2()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await using (var db = testDb.NewContext())
        {
            await TestData.CreateKasseAsync(db);
        }
        var kvnr = TestData.Kvnr(3);
        var badCheckDigit = kvnr[..9] + (char)('0' + (kvnr[9] - '0' + 1) % 10);
        var (exit, output, _) = await RunAsync(testDb, "import", "insured", Csv(Header, Row(1), Row(2), Row(3, badCheckDigit), Row(4) + ";zu viel"));
        Assert.Equal(CliApp.ExitCodes.BadInput, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("Zeile 4, Spalte kvnr: PF-KVNR-006: " + new Pforte.Core.Common.Error("PF-KVNR-006").Message, lines[0]);
        Assert.StartsWith("Zeile 5: PF-IMP-002: ", lines[1], StringComparison.Ordinal);
        Assert.Contains("fehlerhaft: 2", output, StringComparison.Ordinal);
        Assert.Contains("Nichts geschrieben", output, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(testDb));
    }

    [Fact]
    public async Task Skip_invalid_writes_the_good_rows_and_still_exits_2()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await using (var db = testDb.NewContext())
        {
            await TestData.CreateKasseAsync(db);
        }
        var (exit, output, _) = await RunAsync(testDb, "import", "insured", Csv(Header, Row(1), Row(2).Replace("member", "Mitglied", StringComparison.Ordinal)), "--skip-invalid");
        Assert.Equal(CliApp.ExitCodes.BadInput, exit);
        Assert.Contains("Zeile 3, Spalte insurance_kind: PF-REC-003", output, StringComparison.Ordinal);
        Assert.Contains("neu: 1", output, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(testDb));
    }

    [Fact]
    public async Task A_wrong_header_exits_2_with_the_expected_header()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await using (var db = testDb.NewContext())
        {
            await TestData.CreateKasseAsync(db);
        }
        var (exit, _, error) = await RunAsync(testDb, "import", "insured", Csv("kvnr;name", Row(1)));
        Assert.Equal(CliApp.ExitCodes.BadInput, exit);
        Assert.Contains("PF-IMP-001", error, StringComparison.Ordinal);
        Assert.Contains(Header, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_kassen_need_kasse_and_an_unknown_one_is_refused()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await using (var db = testDb.NewContext())
        {
            await TestData.CreateKasseAsync(db);
            await TestData.CreateKasseAsync(db, TestData.OtherIk);
        }
        var file = Csv(Header, Row(1));
        var (exit, _, error) = await RunAsync(testDb, "import", "insured", file);
        Assert.Equal(CliApp.ExitCodes.Refused, exit);
        Assert.Contains("PF-KASSE-002", error, StringComparison.Ordinal);
        var (ok, _, _) = await RunAsync(testDb, "import", "insured", file, "--kasse", TestData.OtherIk);
        Assert.Equal(CliApp.ExitCodes.Ok, ok);
    }
}
