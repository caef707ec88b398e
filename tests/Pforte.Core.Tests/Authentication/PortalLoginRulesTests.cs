using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Core.Tests.Authentication;

public sealed class PortalLoginRulesTests
{
    private static readonly PortalLoginOptions Defaults = new();

    private static string Outcome(IReadOnlyList<string?>? factors, PortalLoginOptions? options = null) =>
        PortalLoginFactors.Level(factors, (options ?? Defaults).Levels).TryGetValue(out var level, out var error) ? level : error.Code;

    [Theory]
    [MemberData(nameof(PortalLoginCombinations.Rows), MemberType = typeof(PortalLoginCombinations))]
    public void Every_combination_gives_its_level_or_its_refusal(string factors, string expected)
    {
        var list = factors.Split(' ');
        Assert.Equal(expected, Outcome(list));
        // The order in which the portal lists the factors does not matter.
        Assert.Equal(expected, Outcome(list.Reverse().ToArray()));
    }

    [Fact]
    public void The_table_covers_every_combination_of_the_closed_list()
    {
        Assert.Equal((1 << PortalLoginFactors.All.Count) - 1, PortalLoginCombinations.All.Count);
        Assert.Equal(["password", "totp", "sms-tan", "app", "egk-pin", "eid", "passkey"], PortalLoginFactors.All.Select(f => f.Id));
    }

    [Theory]
    [InlineData("password fingerprint", "PF-AUTH-013")]
    [InlineData("Password totp", "PF-AUTH-013")]
    [InlineData("password totp totp", "PF-AUTH-014")]
    [InlineData("eid eid", "PF-AUTH-014")]
    [InlineData("password password", "PF-AUTH-014")]
    public void Unknown_and_repeated_factors_are_refused_before_the_combination_rules(string factors, string code) =>
        Assert.Equal(code, Outcome(factors.Split(' ')));

    [Fact]
    public void No_factors_at_all_are_too_few_and_a_missing_entry_is_unknown()
    {
        Assert.Equal(ErrorCodes.PortalFactorsTooFew, Outcome(null));
        Assert.Equal(ErrorCodes.PortalFactorsTooFew, Outcome([]));
        Assert.Equal(ErrorCodes.PortalFactorUnknown, Outcome(["password", null]));
        Assert.Equal(ErrorCodes.PortalFactorUnknown, Outcome(["password", ""]));
    }

    [Fact]
    public void A_lowered_level_is_used_and_a_login_reaches_the_highest_of_its_possession_factors()
    {
        var options = new PortalLoginOptions();
        options.Levels[PortalLoginFactors.SmsTan] = TrustLevels.Normal;
        options.Levels[PortalLoginFactors.EgkPin] = TrustLevels.Substantiell;
        Assert.Equal("normal", Outcome(["password", "sms-tan"], options));
        Assert.Equal("substantiell", Outcome(["password", "sms-tan", "totp"], options));
        Assert.Equal("substantiell", Outcome(["egk-pin"], options));
        Assert.Equal("hoch", Outcome(["egk-pin", "eid"], options));
    }

    private static List<string> Validate(Action<PortalLoginOptions> change)
    {
        var options = new PortalLoginOptions();
        change(options);
        var result = new PortalLoginOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    [Fact]
    public void The_defaults_are_valid_and_documented_values()
    {
        Assert.Empty(Validate(_ => { }));
        Assert.Equal(TimeSpan.FromMinutes(30), Defaults.AuthenticationValidity);
        Assert.Equal(
            [("app", "substantiell"), ("egk-pin", "hoch"), ("eid", "hoch"), ("passkey", "substantiell"), ("sms-tan", "substantiell"), ("totp", "substantiell")],
            Defaults.Levels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => (l.Key, l.Value)));
        // Lowering is policy, not a contradiction.
        Assert.Empty(Validate(o => o.Levels["eid"] = TrustLevels.Normal));
    }

    [Theory]
    [InlineData("totp", "hoch", "„hoch“ erreichen nur eID und eGK mit PIN")]
    [InlineData("app", "hoch", "„hoch“ erreichen nur eID und eGK mit PIN")]
    [InlineData("sms-tan", "none", "„none“ ist hier kein Vertrauensniveau")]
    [InlineData("eid", "mittel", "„mittel“ ist hier kein Vertrauensniveau")]
    [InlineData("password", "substantiell", "Das Passwort ist ein Wissensfaktor")]
    [InlineData("fido2", "hoch", "Levels:fido2: Den Faktor gibt es nicht")]
    public void A_contradictory_level_is_refused_with_a_german_message(string factor, string level, string expected)
    {
        var failures = Validate(o => o.Levels[factor] = level);
        Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal) && f.StartsWith("Pforte:PortalLogin:Levels:" + factor, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(481)]
    public void The_validity_must_lie_between_one_minute_and_eight_hours(int minutes) =>
        Assert.Contains("Pforte:PortalLogin:AuthenticationValidity muss zwischen 1 Minute und 8 Stunden liegen.",
            Validate(o => o.AuthenticationValidity = TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void A_possession_factor_without_a_level_is_refused()
    {
        Assert.Contains("Pforte:PortalLogin:Levels:app: Für diesen Faktor fehlt das Vertrauensniveau.", Validate(o => o.Levels.Remove("app")));
    }

    [Theory]
    [InlineData("s-4711", true)]
    [InlineData("A", true)]
    [InlineData("sess 42/~!{}\"\\", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("sitzung-ä", false)]
    [InlineData("tab\there", false)]
    [InlineData("line\nbreak", false)]
    public void Portal_session_ids_are_1_to_128_printable_ascii_characters(string? value, bool valid)
    {
        Assert.Equal(valid, RecordAuthentication.IsPortalSessionId(value));
        Assert.True(RecordAuthentication.IsPortalSessionId(new string('x', 128)));
        Assert.False(RecordAuthentication.IsPortalSessionId(new string('x', 129)));
    }
}
