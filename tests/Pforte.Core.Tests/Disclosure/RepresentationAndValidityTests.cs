using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using static Pforte.Core.Tests.Disclosure.DecisionMatrixTests;

namespace Pforte.Core.Tests.Disclosure;

public sealed class RepresentationAndValidityTests
{
    private static readonly DisclosurePolicy Policy = new(new DisclosureOptions());
    private static readonly Guid Agent = Guid.Parse("33333333-3333-3333-3333-333333333333");
    private static readonly Guid OtherKasse = Guid.Parse("44444444-4444-4444-4444-444444444444");

    private static Decision Decide(string kind, AuthenticationFacts? auth, DateOnly? birth = null, params RepresentationFacts[] reps) =>
        DisclosureDecision.Decide(Policy, new DecisionInput("phone", kind, Direction.Inbound,
            new SubjectFacts(KasseId, Person, birth ?? new DateOnly(1950, 3, 1)), auth, reps, Now, Today));

    private static AuthenticationFacts AuthOf(Guid person, string level = "hoch", string channel = "phone", DateTimeOffset? until = null, Guid? kasse = null, Guid? rep = null) =>
        new(Guid.NewGuid(), kasse ?? KasseId, person, level, channel, until ?? Now.AddMinutes(5), rep);

    private static RepresentationFacts Rep(RepresentativeKind kind = RepresentativeKind.Bevollmaechtigter, string scope = "*", DateOnly? from = null, DateOnly? to = null, bool ev = false, Guid? person = null) =>
        new(Guid.NewGuid(), kind, person ?? Agent, scope, from ?? new DateOnly(2025, 1, 1), to, ev);

    [Fact]
    public void A_representative_in_scope_and_valid_acts_for_the_person()
    {
        var rep = Rep(scope: "benefits-health-data,contributions");
        var d = Decide("benefits-health-data", AuthOf(Agent), null, rep);
        Assert.True(d.Allowed);
        Assert.Equal(ErrorCodes.DisclosureAllowedForRepresentative, d.ReasonCode);
        Assert.Equal(rep.Id, d.RepresentationId);
    }

    [Fact]
    public void Out_of_scope_is_refused_with_its_own_reason()
    {
        var d = Decide("contributions", AuthOf(Agent), null, Rep(scope: "benefits-health-data"));
        Assert.False(d.Allowed);
        Assert.Equal(ErrorCodes.DisclosureRepresentativeOutOfScope, d.ReasonCode);
    }

    [Theory]
    [InlineData("2026-11-27", null, false)]   // ended yesterday
    [InlineData("2026-11-28", null, true)]    // last day
    [InlineData(null, "2026-11-29", false)]   // starts tomorrow
    [InlineData(null, "2026-11-28", true)]    // starts today
    public void Validity_is_checked_by_the_day(string? to, string? from, bool allowed)
    {
        var rep = Rep(from: from is null ? null : DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            to: to is null ? null : DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture));
        var d = Decide("benefits-health-data", AuthOf(Agent), null, rep);
        Assert.Equal(allowed, d.Allowed);
        if (!allowed)
        {
            Assert.Equal(ErrorCodes.DisclosureRepresentativeNotValid, d.ReasonCode);
        }
    }

    [Fact]
    public void With_einwilligungsvorbehalt_the_person_alone_cannot_make_a_declaration_the_betreuer_can()
    {
        var betreuer = Rep(RepresentativeKind.Betreuer, scope: "address-change,benefits-health-data", ev: true);
        var alone = DisclosureDecision.Decide(Policy, new DecisionInput("portal", "address-change", Direction.Inbound,
            new SubjectFacts(KasseId, Person, new DateOnly(1950, 3, 1)), AuthOf(Person, channel: "portal"), [betreuer], Now, Today));
        Assert.False(alone.Allowed);
        Assert.Equal(ErrorCodes.DisclosureEinwilligungsvorbehalt, alone.ReasonCode);

        // Information (no declaration) stays open to the person.
        Assert.True(Decide("benefits-health-data", AuthOf(Person), null, betreuer).Allowed);

        var byBetreuer = DisclosureDecision.Decide(Policy, new DecisionInput("portal", "address-change", Direction.Inbound,
            new SubjectFacts(KasseId, Person, new DateOnly(1950, 3, 1)), AuthOf(Agent, channel: "portal"), [betreuer], Now, Today));
        Assert.True(byBetreuer.Allowed);

        // Without the Vorbehalt the person acts alone.
        var plain = Rep(RepresentativeKind.Betreuer, scope: "address-change");
        Assert.True(DisclosureDecision.Decide(Policy, new DecisionInput("portal", "address-change", Direction.Inbound,
            new SubjectFacts(KasseId, Person, new DateOnly(1950, 3, 1)), AuthOf(Person, channel: "portal"), [plain], Now, Today)).Allowed);
    }

    [Fact]
    public void Parents_act_for_a_child_of_14_not_for_one_of_15()
    {
        var parent = Rep(RepresentativeKind.GesetzlicherVertreter);
        var fourteen = new DateOnly(2011, 11, 29); // 15th birthday tomorrow
        var fifteen = new DateOnly(2011, 11, 28);  // 15th birthday today

        Assert.True(Decide("benefits-health-data", AuthOf(Agent), fourteen, parent).Allowed);
        var late = Decide("benefits-health-data", AuthOf(Agent), fifteen, parent);
        Assert.False(late.Allowed);
        Assert.Equal(ErrorCodes.DisclosureMinorActsAlone, late.ReasonCode);

        var childAlone = Decide("benefits-health-data", AuthOf(Person), fourteen);
        Assert.False(childAlone.Allowed);
        Assert.Equal(ErrorCodes.DisclosureMinorNeedsRepresentative, childAlone.ReasonCode);
        Assert.True(Decide("benefits-health-data", AuthOf(Person), fifteen).Allowed);
    }

    [Fact]
    public void Code_requests_are_never_made_by_a_representative()
    {
        var d = Decide("new-auth-code", AuthOf(Agent), null, Rep());
        Assert.Equal(ErrorCodes.DisclosureCodeNotForRepresentative, d.ReasonCode);
    }

    [Fact]
    public void Foreign_expired_and_other_channel_authentications_never_count()
    {
        Assert.Equal(ErrorCodes.DisclosureAuthenticationForeign, Decide("contributions", AuthOf(Agent)).ReasonCode);
        Assert.Equal(ErrorCodes.DisclosureAuthenticationForeign, Decide("contributions", AuthOf(Person, kasse: OtherKasse)).ReasonCode);
        Assert.Equal(ErrorCodes.DisclosureAuthenticationExpired, Decide("contributions", AuthOf(Person, until: Now)).ReasonCode);
        Assert.Equal(ErrorCodes.DisclosureAuthenticationOtherChannel, Decide("contributions", AuthOf(Person, channel: "portal")).ReasonCode);
        Assert.True(Decide("contributions", AuthOf(Person, until: Now.AddTicks(1))).Allowed);
    }

    [Fact]
    public void An_external_representative_authenticated_in_person_counts_through_the_recorded_representation()
    {
        var rep = Rep(scope: "contributions", person: null) with { RepresentativePersonId = null };
        var auth = AuthOf(Person, channel: "in-person", rep: rep.Id);
        var d = DisclosureDecision.Decide(Policy, new DecisionInput("in-person", "contributions", Direction.Inbound,
            new SubjectFacts(KasseId, Person, new DateOnly(1950, 3, 1)), auth, [rep], Now, Today));
        Assert.True(d.Allowed);
        var outOfScope = DisclosureDecision.Decide(Policy, new DecisionInput("in-person", "benefits-health-data", Direction.Inbound,
            new SubjectFacts(KasseId, Person, new DateOnly(1950, 3, 1)), auth, [rep], Now, Today));
        Assert.Equal(ErrorCodes.DisclosureRepresentativeOutOfScope, outOfScope.ReasonCode);
    }
}

public sealed class ChannelSettingsTests
{
    [Fact]
    public void The_defaults_are_sound()
    {
        Assert.Empty(new DisclosurePolicy(new DisclosureOptions()).Errors);
    }

    [Theory]
    [InlineData("email")]
    [InlineData("fax")]
    [InlineData("chat")]
    public void Personal_data_outbound_on_an_unsafe_channel_is_a_contradiction(string channel)
    {
        var options = new DisclosureOptions();
        options.Channels[channel] = new ChannelSettings { PersonalDataOutbound = true, Outbound = true };
        var error = Assert.Single(new DisclosurePolicy(options).Errors);
        Assert.Contains("nie personenbezogene Daten", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_on_a_channel_that_cannot_carry_it_is_a_contradiction()
    {
        var options = new DisclosureOptions();
        options.Channels["email"] = new ChannelSettings { Methods = ["phone-questions"] };
        Assert.Contains(new DisclosurePolicy(options).Errors, e => e.Contains("nicht durchführbar", StringComparison.Ordinal));
    }

    [Fact]
    public void Letters_that_may_not_carry_personal_data_are_a_contradiction()
    {
        // Code letters and confirmations to the old address go by post only: the outbox asks the outbound guard.
        var options = new DisclosureOptions();
        options.Channels["letter"] = new ChannelSettings { PersonalDataOutbound = false };
        Assert.Contains(new DisclosurePolicy(options).Errors, e => e.Contains("Briefe müssen personenbezogene Daten", StringComparison.Ordinal));
    }

    [Fact]
    public void Address_changes_by_phone_cannot_be_configured()
    {
        var options = new DisclosureOptions();
        options.RequestKinds["address-change"] = new RequestKindSettings { Channels = ["phone", "portal"] };
        Assert.Contains(new DisclosurePolicy(options).Errors, e => e.Contains("nie zulässig", StringComparison.Ordinal));
    }

    [Fact]
    public void Overrides_change_single_values()
    {
        var options = new DisclosureOptions();
        options.RequestKinds["insurance-status"] = new RequestKindSettings { ProtectionNeed = "normal" };
        var policy = new DisclosurePolicy(options);
        Assert.Empty(policy.Errors);
        Assert.Equal("normal", policy.Kind("insurance-status")!.ProtectionNeed);
        Assert.Equal(5, policy.Kind("insurance-status")!.Channels.Count);
    }

    [Fact]
    public void Unknown_keys_are_reported()
    {
        var options = new DisclosureOptions();
        options.Channels["telegram"] = new ChannelSettings();
        options.RequestKinds["everything"] = new RequestKindSettings();
        Assert.Equal(2, new DisclosurePolicy(options).Errors.Count);
    }
}
