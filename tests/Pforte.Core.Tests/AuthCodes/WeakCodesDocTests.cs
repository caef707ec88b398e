using System.Globalization;
using System.Text.RegularExpressions;
using Pforte.Core.AuthCodes;
using Pforte.Core.Tests.Common;

namespace Pforte.Core.Tests.AuthCodes;

/// <summary>docs/weak-codes.md must say what the rules do: its counts, its examples and its claims about common PINs.</summary>
public sealed partial class WeakCodesDocTests
{
    private static readonly string Doc = File.ReadAllText(ErrorCatalogTests.RepoFile("docs/weak-codes.md"));

    // | `rule-id` | family text | count | source |
    [GeneratedRegex(@"^\| `(?<rule>[a-z-]+)` \| (?<family>[^|]+) \| (?<count>[0-9,]+) \|", RegexOptions.Multiline)]
    private static partial Regex FamilyRow();

    [GeneratedRegex(@"\b[0-9]{4}\b")]
    private static partial Regex FourDigits();

    [Fact]
    public void Every_family_row_states_the_count_the_rules_block()
    {
        var actual = WeakCodes.GeneralList.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.Count());
        var rows = FamilyRow().Matches(Doc).ToDictionary(m => m.Groups["rule"].Value, m => int.Parse(m.Groups["count"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
        Assert.Equal(WeakCodes.GeneralRules.Order(), rows.Keys.Order());
        foreach (var (rule, count) in rows)
        {
            Assert.True(actual.GetValueOrDefault(rule) == count, $"{rule}: the doc says {count}, the rules block {actual.GetValueOrDefault(rule)}");
        }
        var total = WeakCodes.GeneralCount.ToString("N0", CultureInfo.InvariantCulture);
        Assert.Contains($"{total} of 10,000 codes", Doc, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_example_code_in_the_family_table_is_blocked()
    {
        foreach (Match row in FamilyRow().Matches(Doc))
        {
            foreach (Match code in FourDigits().Matches(row.Groups["family"].Value))
            {
                if (int.Parse(code.Value, CultureInfo.InvariantCulture) is >= 1900 and <= 2099 && row.Groups["rule"].Value == WeakCodes.Year)
                {
                    continue; // "1900–2099" is the range itself
                }
                Assert.True(WeakCodes.GeneralRule(code.Value) is not null, $"{code.Value} (row {row.Groups["rule"].Value}) is named as an example but not blocked");
            }
        }
    }

    [Fact]
    public void The_claim_about_the_most_common_pins_matches_the_rules()
    {
        // The 20 most frequent 4-digit PINs in the DataGenetics analysis of leaked PINs (2012).
        string[] top20 =
        [
            "1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969",
            "9999", "3333", "5555", "6666", "1122", "1313", "8888", "4321", "2001", "1010",
        ];
        var blocked = top20.Where(c => WeakCodes.GeneralRule(c) is not null).ToList();
        var claim = blocked.Count == top20.Length ? "all 20 are blocked" : $"{blocked.Count} are blocked";
        Assert.Contains(claim, Doc, StringComparison.Ordinal);
        foreach (var open in top20.Except(blocked))
        {
            Assert.Contains($"the one left, {open}", Doc, StringComparison.Ordinal);
        }
        foreach (var code in blocked)
        {
            Assert.DoesNotContain($"the one left, {code}", Doc, StringComparison.Ordinal);
        }
    }
}
