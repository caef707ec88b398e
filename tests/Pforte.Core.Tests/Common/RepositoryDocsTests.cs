using System.Text.RegularExpressions;

namespace Pforte.Core.Tests.Common;

/// <summary>
/// The repository stands on its own (issue 11): no document, comment or test points outside it, and every relative link
/// in README.md and docs/ reaches a file that a clone has.
/// </summary>
public sealed partial class RepositoryDocsTests
{
    private static readonly string Root = Path.GetDirectoryName(ErrorCatalogTests.RepoFile("Pforte.slnx"))!;

    private static IEnumerable<string> Files(params string[] patterns) =>
        new[] { "README.md" }.Select(f => Path.Combine(Root, f))
            .Concat(new[] { "docs", "src", "tests", "bench", "scripts" }.Where(d => Directory.Exists(Path.Combine(Root, d)))
                .SelectMany(d => patterns.SelectMany(p => Directory.EnumerateFiles(Path.Combine(Root, d), p, SearchOption.AllDirectories))))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"\]\((?<target>[^)\s#]+)(#[^)]*)?\)")]
    private static partial Regex MarkdownLink();

    [Fact]
    public void Nothing_points_to_a_folder_outside_the_repository()
    {
        var self = Path.GetFullPath(typeof(RepositoryDocsTests).Assembly.Location);
        var offenders = Files("*.md", "*.cs", "*.sh", "*.json")
            .Where(f => !f.EndsWith("RepositoryDocsTests.cs", StringComparison.Ordinal) && f != self)
            .Where(f => File.ReadAllText(f).Contains("../" + "shared/", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f)).ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Every_relative_link_in_the_docs_reaches_a_file_of_the_repository()
    {
        var broken = new List<string>();
        foreach (var file in Files("*.md").Where(f => Path.GetRelativePath(Root, f) is var r && (r == "README.md" || r.StartsWith("docs", StringComparison.Ordinal))))
        {
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(file)))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target));
                if (!full.StartsWith(Root, StringComparison.Ordinal) || !(File.Exists(full) || Directory.Exists(full)))
                {
                    broken.Add($"{Path.GetRelativePath(Root, file)}: {target}");
                }
            }
        }
        Assert.Empty(broken);
    }
}
