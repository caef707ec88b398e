using System.Reflection;
using Pforte.Core.Common;

namespace Pforte.Core.Tests.Common;

public sealed class ErrorCatalogTests
{
    private static IEnumerable<string> AllCodes() =>
        typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void Every_code_has_a_german_and_an_english_sentence()
    {
        foreach (var code in AllCodes())
        {
            var german = ErrorTexts.Template(code, ErrorTexts.German);
            var english = ErrorTexts.Template(code, ErrorTexts.English);
            Assert.False(string.IsNullOrWhiteSpace(german), $"{code} has no German text");
            Assert.False(string.IsNullOrWhiteSpace(english), $"{code} has no English text");
            Assert.NotEqual(german, english);
        }
    }

    [Fact]
    public void Codes_are_unique_and_well_formed()
    {
        var codes = AllCodes().ToList();
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^PF-[A-Z]+-[0-9]{3}$", c));
    }

    [Fact]
    public void Every_code_is_documented_in_docs_errors_md()
    {
        var docs = File.ReadAllText(RepoFile("docs/errors.md"));
        foreach (var code in AllCodes())
        {
            Assert.Contains($"`{code}`", docs, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Each code once in each resource file and once in docs/errors.md: the build only warns about a duplicate
    /// resource name and keeps the first, so a text changed by appending (as a union merge does) would never show.
    /// </summary>
    [Theory]
    [InlineData("src/Pforte.Core/Resources/ErrorTexts.resx", "<data name=\"(PF-[A-Z]+-[0-9]{3})\"")]
    [InlineData("src/Pforte.Core/Resources/ErrorTexts.en.resx", "<data name=\"(PF-[A-Z]+-[0-9]{3})\"")]
    [InlineData("docs/errors.md", "^\\| `(PF-[A-Z]+-[0-9]{3})` \\|")]
    public void Every_code_is_written_down_once(string file, string pattern)
    {
        var codes = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(RepoFile(file)), pattern, System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();
        Assert.True(codes.Count >= AllCodes().Count(), $"{file}: the pattern finds every code");
        Assert.Empty(codes.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public void Arguments_are_formatted_into_the_sentence()
    {
        var error = new Error(ErrorCodes.KvnrLength, 9);
        Assert.Contains(" 9.", error.Message, StringComparison.Ordinal);
    }

    internal static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pforte.slnx")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), relative);
    }
}
