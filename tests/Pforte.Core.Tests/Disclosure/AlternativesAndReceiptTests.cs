using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;

namespace Pforte.Core.Tests.Disclosure;

/// <summary>
/// What a refusal offers instead must really be reachable (issue 11: PF-DIS-009 offered portal and phone "without
/// authentication" for contributions, which need hoch there), and documents sent in are accepted without a prior
/// authentication, with what the Kasse needs before it acts on them.
/// </summary>
public sealed class AlternativesAndReceiptTests
{
    private static readonly Guid KasseId = DecisionMatrixTests.KasseId;
    private static readonly Guid Person = DecisionMatrixTests.Person;
    private static readonly SubjectFacts Subject = new(KasseId, Person, new DateOnly(1980, 1, 1));

    private static Decision Decide(DisclosurePolicy policy, string channel, string kind, Direction direction, string? level = null) =>
        DisclosureDecision.Decide(policy, new DecisionInput(channel, kind, direction, Subject,
            level is null ? null : new AuthenticationFacts(Guid.NewGuid(), KasseId, Person, level, channel, DecisionMatrixTests.Now.AddMinutes(10), null),
            [], DecisionMatrixTests.Now, DecisionMatrixTests.Today));

    public static IEnumerable<TheoryDataRow<string>> Policies() => [new("defaults"), new("phone-questions-only"), new("portal-login-substantiell")];

    private static DisclosurePolicy PolicyNamed(string name)
    {
        var options = new DisclosureOptions();
        var portal = new PortalLoginOptions();
        switch (name)
        {
            case "phone-questions-only":
                options.Channels["phone"] = new ChannelSettings { Methods = ["phone-questions"] };
                break;
            case "portal-login-substantiell":
                // A Kasse that takes the code off the portal and lowers eID and eGK with PIN: nothing there reaches hoch.
                options.Channels["portal"] = new ChannelSettings { Methods = ["portal-login"] };
                portal.Levels[PortalLoginFactors.Eid] = TrustLevels.Substantiell;
                portal.Levels[PortalLoginFactors.EgkPin] = TrustLevels.Substantiell;
                break;
        }
        var policy = new DisclosurePolicy(options, new MethodReach(new PhoneQuestionOptions(), new WrittenAuthenticationOptions(), portal));
        Assert.Empty(policy.Errors);
        return policy;
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Every_alternative_named_is_a_channel_where_the_request_is_possible_at_its_protection_need(string policyName)
    {
        var policy = PolicyNamed(policyName);
        foreach (var kind in RequestKinds.All)
        {
            var need = policy.Kind(kind)!.ProtectionNeed;
            foreach (var direction in new[] { Direction.Inbound, Direction.Outbound })
            {
                foreach (var channel in Channels.All)
                {
                    var refused = Decide(policy, channel, kind, direction);
                    foreach (var alternative in refused.Alternatives)
                    {
                        // Possible there: allowed without authentication (no personal data, post, receipt), or with an
                        // authentication at the need that a method offered on that channel can actually reach.
                        var withoutAuthentication = Decide(policy, alternative, kind, direction);
                        var reachable = policy.Channel(alternative)!.Methods.Any(m => TrustLevelOrder.Rank(policy.Reach.Highest(m)) >= TrustLevelOrder.Rank(need));
                        var atNeed = Decide(policy, alternative, kind, direction, need == TrustLevels.None ? null : need);
                        Assert.True(withoutAuthentication.Allowed || (reachable && atNeed.Allowed),
                            $"{channel} {direction} {kind}: alternative {alternative} is not possible at {need} ({policyName})");
                        Assert.Contains(Channels.GermanName(alternative), refused.Explanation, StringComparison.Ordinal);
                    }
                }
            }
        }
    }

    [Fact]
    public void A_channel_whose_methods_cannot_reach_the_need_is_not_offered()
    {
        var policy = PolicyNamed("phone-questions-only");
        var contributions = Decide(policy, "in-person", "contributions", Direction.Inbound);
        Assert.DoesNotContain("phone", contributions.Alternatives);
        var status = Decide(policy, "in-person", "insurance-status", Direction.Inbound);
        Assert.Contains("phone", status.Alternatives);
    }

    [Fact]
    public void Not_authenticated_says_what_each_channel_needs_instead_of_offering_them_without_authentication()
    {
        var policy = PolicyNamed("defaults");
        var d = Decide(policy, "in-person", "contributions", Direction.Outbound);
        Assert.Equal(ErrorCodes.DisclosureNotAuthenticated, d.ReasonCode);
        Assert.DoesNotContain("Ohne Authentifizierung möglich", d.Explanation, StringComparison.Ordinal);
        Assert.Equal(
            "Für „Beiträge“ muss die Person mit Vertrauensniveau „hoch“ authentifiziert sein; das ist noch nicht geschehen. "
            + "Hier geht das mit: Lichtbildausweis. "
            + "Andere Wege: Onlineportal mit Postfach – Authentifizierungscode oder Portalanmeldung mit eGK mit PIN oder Online-Ausweis (eID); "
            + "Brief – Antwort per Post an die hinterlegte Anschrift, ohne Authentifizierung; "
            + "Telefon – Authentifizierungscode.",
            d.Explanation);
        Assert.DoesNotContain("{", d.Reason.MessageIn(ErrorTexts.English), StringComparison.Ordinal);
        Assert.Contains("Other ways: Onlineportal mit Postfach – authentication code or portal login with eGK with PIN", d.Reason.MessageIn(ErrorTexts.English), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contact-form", "contact-form-details", "Unterschrift, Name, Anschrift oder Geburtsdatum und KVNR in den Unterlagen")]
    [InlineData("letter", "letter-details", "Unterschrift, Name, Anschrift oder Geburtsdatum und KVNR im Schreiben")]
    [InlineData("in-person", "in-person-document", "Lichtbildausweis")]
    public void Documents_sent_in_are_accepted_without_authentication_and_the_decision_says_what_acting_needs(string channel, string method, string means)
    {
        var policy = PolicyNamed("defaults");
        var d = Decide(policy, channel, "send-documents", Direction.Inbound);
        Assert.True(d.Allowed);
        Assert.Equal(ErrorCodes.DisclosureDocumentsReceived, d.ReasonCode);
        Assert.Equal("none", d.AchievedLevel);
        Assert.Equal(("hoch", "letter"), (d.BeforeActing!.Level, d.BeforeActing.AnswerBy));
        Assert.Equal([method], d.BeforeActing.Methods);
        Assert.Contains("ohne vorherige Authentifizierung entgegen", d.Explanation, StringComparison.Ordinal);
        Assert.Contains(means, d.Explanation, StringComparison.Ordinal);
        Assert.Contains("per Post an die hinterlegte Anschrift", d.Explanation, StringComparison.Ordinal);

        // Once authenticated at the need, the Kasse may act on them: the ordinary allowance, nothing left to do.
        var acting = Decide(policy, channel, "send-documents", Direction.Inbound, "hoch");
        Assert.Equal(ErrorCodes.DisclosureAllowed, acting.ReasonCode);
        Assert.Null(acting.BeforeActing);
    }
}
