using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Insured.Import;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Commands;

/// <summary>
/// Issue 11, finding 10: the CSV import's columns were documented nowhere. docs/import.md names every column in the
/// order the import expects, and the example file in the repository imports cleanly.
/// </summary>
public sealed partial class ImportDocumentationTests
{
    private static string RepositoryFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pforte.slnx")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        return Path.Combine([dir.FullName, .. parts]);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_example_file_imports_without_a_bad_row(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using (var db = testDb.NewContext())
        {
            await TestData.CreateKasseAsync(db);
        }
        var run = await CliRunner.RunAsync(testDb.Configuration, "import", "insured", RepositoryFile("docs", "examples", "insured-example.csv"));
        Assert.True(run.ExitCode == 0, run.Out + run.Err);
        Assert.Contains("Zeilen: 4, neu: 4, geändert: 0, unverändert: 0, Karten erfasst: 3, fehlerhaft: 0", run.Out, StringComparison.Ordinal);
        await using (var db = testDb.NewContext())
        {
            Assert.Equal(4, await db.InsuredPersons.CountAsync(TestContext.Current.CancellationToken));
            Assert.Equal("NL", await db.InsuredPersons.Where(p => p.GivenName == "Pieter").Select(p => p.Country).SingleAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public void Import_md_documents_every_column_in_order_and_the_header_error_points_to_it()
    {
        var text = File.ReadAllText(RepositoryFile("docs", "import.md"));
        var documented = ColumnRow().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(InsuredColumns.All, documented);
        Assert.Contains(InsuredColumns.Header, text, StringComparison.Ordinal);
        var header = File.ReadLines(RepositoryFile("docs", "examples", "insured-example.csv")).First();
        Assert.Equal(InsuredColumns.Header, header);
        Assert.Contains("docs/import.md", new Pforte.Core.Common.Error(Pforte.Core.Common.ErrorCodes.ImportHeader, InsuredColumns.Header).Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\| [0-9]+ \| `([a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ColumnRow();
}
