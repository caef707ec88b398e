using Pforte.Core.Common;
using Pforte.Core.Disclosure;

namespace Pforte.Core.Tests.Disclosure;

/// <summary>
/// Every channel × request kind × direction × achieved level against an expected outcome written out by hand from
/// domain.md §4 and the insurer's page — not derived from the code under test. Level "none" means: no
/// authentication at all; other levels: a valid authentication of the person on the same channel.
/// Tokens: ok = allowed (authenticated), np = allowed (no personal data), post = allowed (letter to the registered
/// address), kind = request kind not on this channel, nopd = no personal data out on this channel, out = nothing
/// goes out on this channel, auth = not authenticated, low = level too low, recv = documents accepted without prior
/// authentication (receiving is never the risk; acting on them and answering need the level, domain.md §4).
/// </summary>
public sealed class DecisionMatrixTests
{
    // channel direction request-kind : none normal substantiell hoch
    private const string Matrix = """
        in-person inbound general-information    : np np np np
        in-person inbound insurance-status       : auth low ok ok
        in-person inbound contributions          : auth low low ok
        in-person inbound benefits-health-data   : auth low low ok
        in-person inbound address-change         : auth low low ok
        in-person inbound bank-details-change    : auth low low ok
        in-person inbound new-egk                : auth ok ok ok
        in-person inbound new-auth-code          : auth ok ok ok
        in-person inbound send-documents         : recv recv recv ok
        in-person inbound portal-registration    : auth low low ok
        in-person outbound general-information   : np np np np
        in-person outbound insurance-status      : auth low ok ok
        in-person outbound contributions         : auth low low ok
        in-person outbound benefits-health-data  : auth low low ok
        in-person outbound address-change        : auth low low ok
        in-person outbound bank-details-change   : auth low low ok
        in-person outbound new-egk               : auth ok ok ok
        in-person outbound new-auth-code         : auth ok ok ok
        in-person outbound send-documents        : auth low low ok
        in-person outbound portal-registration   : auth low low ok
        phone inbound general-information        : np np np np
        phone inbound insurance-status           : auth low ok ok
        phone inbound contributions              : auth low low ok
        phone inbound benefits-health-data       : auth low low ok
        phone inbound address-change             : kind kind kind kind
        phone inbound bank-details-change        : kind kind kind kind
        phone inbound new-egk                    : auth ok ok ok
        phone inbound new-auth-code              : auth ok ok ok
        phone inbound send-documents             : kind kind kind kind
        phone inbound portal-registration        : kind kind kind kind
        phone outbound general-information       : np np np np
        phone outbound insurance-status          : auth low ok ok
        phone outbound contributions             : auth low low ok
        phone outbound benefits-health-data      : auth low low ok
        phone outbound address-change            : kind kind kind kind
        phone outbound bank-details-change       : kind kind kind kind
        phone outbound new-egk                   : auth ok ok ok
        phone outbound new-auth-code             : auth ok ok ok
        phone outbound send-documents            : kind kind kind kind
        phone outbound portal-registration       : kind kind kind kind
        portal inbound general-information       : np np np np
        portal inbound insurance-status          : auth low ok ok
        portal inbound contributions             : auth low low ok
        portal inbound benefits-health-data      : auth low low ok
        portal inbound address-change            : auth low low ok
        portal inbound bank-details-change       : auth low low ok
        portal inbound new-egk                   : auth ok ok ok
        portal inbound new-auth-code             : auth ok ok ok
        portal inbound send-documents            : recv recv recv ok
        portal inbound portal-registration       : auth low low ok
        portal outbound general-information      : np np np np
        portal outbound insurance-status         : auth low ok ok
        portal outbound contributions            : auth low low ok
        portal outbound benefits-health-data     : auth low low ok
        portal outbound address-change           : auth low low ok
        portal outbound bank-details-change      : auth low low ok
        portal outbound new-egk                  : auth ok ok ok
        portal outbound new-auth-code            : auth ok ok ok
        portal outbound send-documents           : auth low low ok
        portal outbound portal-registration      : auth low low ok
        letter inbound general-information       : np np np np
        letter inbound insurance-status          : auth low ok ok
        letter inbound contributions             : auth low low ok
        letter inbound benefits-health-data      : auth low low ok
        letter inbound address-change            : auth low low ok
        letter inbound bank-details-change       : auth low low ok
        letter inbound new-egk                   : auth ok ok ok
        letter inbound new-auth-code             : auth ok ok ok
        letter inbound send-documents            : recv recv recv ok
        letter inbound portal-registration       : auth low low ok
        letter outbound general-information      : np np np np
        letter outbound insurance-status         : post post post post
        letter outbound contributions            : post post post post
        letter outbound benefits-health-data     : post post post post
        letter outbound address-change           : post post post post
        letter outbound bank-details-change      : post post post post
        letter outbound new-egk                  : post post post post
        letter outbound new-auth-code            : post post post post
        letter outbound send-documents           : post post post post
        letter outbound portal-registration      : post post post post
        contact-form inbound general-information : np np np np
        contact-form inbound insurance-status    : auth low ok ok
        contact-form inbound contributions       : auth low low ok
        contact-form inbound benefits-health-data: auth low low ok
        contact-form inbound address-change      : kind kind kind kind
        contact-form inbound bank-details-change : kind kind kind kind
        contact-form inbound new-egk             : auth ok ok ok
        contact-form inbound new-auth-code       : auth ok ok ok
        contact-form inbound send-documents      : recv recv recv ok
        contact-form inbound portal-registration : kind kind kind kind
        contact-form outbound general-information: out out out out
        contact-form outbound insurance-status   : nopd nopd nopd nopd
        contact-form outbound contributions      : nopd nopd nopd nopd
        contact-form outbound benefits-health-data: nopd nopd nopd nopd
        contact-form outbound address-change     : nopd nopd nopd nopd
        contact-form outbound bank-details-change: nopd nopd nopd nopd
        contact-form outbound new-egk            : nopd nopd nopd nopd
        contact-form outbound new-auth-code      : nopd nopd nopd nopd
        contact-form outbound send-documents     : nopd nopd nopd nopd
        contact-form outbound portal-registration: nopd nopd nopd nopd
        email inbound general-information        : np np np np
        email inbound insurance-status           : kind kind kind kind
        email inbound contributions              : kind kind kind kind
        email inbound benefits-health-data       : kind kind kind kind
        email inbound address-change             : kind kind kind kind
        email inbound bank-details-change        : kind kind kind kind
        email inbound new-egk                    : kind kind kind kind
        email inbound new-auth-code              : kind kind kind kind
        email inbound send-documents             : kind kind kind kind
        email inbound portal-registration        : kind kind kind kind
        email outbound general-information       : np np np np
        email outbound insurance-status          : nopd nopd nopd nopd
        email outbound contributions             : nopd nopd nopd nopd
        email outbound benefits-health-data      : nopd nopd nopd nopd
        email outbound address-change            : nopd nopd nopd nopd
        email outbound bank-details-change       : nopd nopd nopd nopd
        email outbound new-egk                   : nopd nopd nopd nopd
        email outbound new-auth-code             : nopd nopd nopd nopd
        email outbound send-documents            : nopd nopd nopd nopd
        email outbound portal-registration       : nopd nopd nopd nopd
        chat inbound general-information         : np np np np
        chat inbound insurance-status            : kind kind kind kind
        chat inbound contributions               : kind kind kind kind
        chat inbound benefits-health-data        : kind kind kind kind
        chat inbound address-change              : kind kind kind kind
        chat inbound bank-details-change         : kind kind kind kind
        chat inbound new-egk                     : kind kind kind kind
        chat inbound new-auth-code               : kind kind kind kind
        chat inbound send-documents              : kind kind kind kind
        chat inbound portal-registration         : kind kind kind kind
        chat outbound general-information        : np np np np
        chat outbound insurance-status           : nopd nopd nopd nopd
        chat outbound contributions              : nopd nopd nopd nopd
        chat outbound benefits-health-data       : nopd nopd nopd nopd
        chat outbound address-change             : nopd nopd nopd nopd
        chat outbound bank-details-change        : nopd nopd nopd nopd
        chat outbound new-egk                    : nopd nopd nopd nopd
        chat outbound new-auth-code              : nopd nopd nopd nopd
        chat outbound send-documents             : nopd nopd nopd nopd
        chat outbound portal-registration        : nopd nopd nopd nopd
        fax inbound general-information          : np np np np
        fax inbound insurance-status             : kind kind kind kind
        fax inbound contributions                : kind kind kind kind
        fax inbound benefits-health-data         : kind kind kind kind
        fax inbound address-change               : kind kind kind kind
        fax inbound bank-details-change          : kind kind kind kind
        fax inbound new-egk                      : kind kind kind kind
        fax inbound new-auth-code                : kind kind kind kind
        fax inbound send-documents               : kind kind kind kind
        fax inbound portal-registration          : kind kind kind kind
        fax outbound general-information         : out out out out
        fax outbound insurance-status            : nopd nopd nopd nopd
        fax outbound contributions               : nopd nopd nopd nopd
        fax outbound benefits-health-data        : nopd nopd nopd nopd
        fax outbound address-change              : nopd nopd nopd nopd
        fax outbound bank-details-change         : nopd nopd nopd nopd
        fax outbound new-egk                     : nopd nopd nopd nopd
        fax outbound new-auth-code               : nopd nopd nopd nopd
        fax outbound send-documents              : nopd nopd nopd nopd
        fax outbound portal-registration         : nopd nopd nopd nopd
        """;

    // Protection needs as domain.md §4 and docs/disclosure.md state them.
    private static readonly Dictionary<string, string> Need = new()
    {
        ["general-information"] = "none", ["insurance-status"] = "substantiell", ["contributions"] = "hoch",
        ["benefits-health-data"] = "hoch", ["address-change"] = "hoch", ["bank-details-change"] = "hoch",
        ["new-egk"] = "normal", ["new-auth-code"] = "normal", ["send-documents"] = "hoch", ["portal-registration"] = "hoch",
    };

    private static readonly Dictionary<string, (string Code, bool Allowed)> Tokens = new()
    {
        ["ok"] = ("PF-DIS-001", true), ["np"] = ("PF-DIS-002", true), ["post"] = ("PF-DIS-003", true),
        ["kind"] = ("PF-DIS-006", false), ["nopd"] = ("PF-DIS-007", false), ["out"] = ("PF-DIS-008", false),
        ["auth"] = ("PF-DIS-009", false), ["low"] = ("PF-DIS-010", false), ["recv"] = ("PF-DIS-024", true),
    };

    private static readonly string[] Levels = ["none", "normal", "substantiell", "hoch"];

    internal static readonly Guid KasseId = Guid.Parse("11111111-1111-1111-1111-111111111111");
    internal static readonly Guid Person = Guid.Parse("22222222-2222-2222-2222-222222222222");
    internal static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
    internal static readonly DateOnly Today = new(2026, 11, 28);

    public static IEnumerable<TheoryDataRow<string, string, string, string, string>> Cases()
    {
        foreach (var line in Matrix.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (head, tail) = (line.Split(':')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), line.Split(':')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            for (var i = 0; i < Levels.Length; i++)
            {
                yield return new(head[0], head[1], head[2], Levels[i], tail[i]);
            }
        }
    }

    [Fact]
    public void The_matrix_covers_every_channel_request_kind_direction_and_level()
    {
        var cases = Cases().Select(c => (c.Data.Item1, c.Data.Item2, c.Data.Item3, c.Data.Item4)).ToHashSet();
        Assert.Equal(Channels.All.Count * RequestKinds.All.Count * 2 * 4, cases.Count);
        Assert.Equal(640, cases.Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decision_matches_the_written_rules(string channel, string direction, string kind, string level, string expected)
    {
        var policy = new DisclosurePolicy(new DisclosureOptions());
        Assert.Empty(policy.Errors);
        var auth = level == "none" ? null : new AuthenticationFacts(Guid.NewGuid(), KasseId, Person, level, channel, Now.AddMinutes(10), null);
        var input = new DecisionInput(channel, kind, direction == "inbound" ? Direction.Inbound : Direction.Outbound,
            new SubjectFacts(KasseId, Person, new DateOnly(1980, 1, 1)), auth, [], Now, Today);

        var decision = DisclosureDecision.Decide(policy, input);

        Assert.Equal(Tokens[expected].Code, decision.ReasonCode);
        Assert.Equal(Tokens[expected].Allowed, decision.Allowed);
        Assert.Equal(Need[kind], decision.RequiredLevel);
        Assert.False(string.IsNullOrWhiteSpace(decision.Explanation));
        Assert.DoesNotContain("{", decision.Explanation, StringComparison.Ordinal);
        if (!decision.Allowed)
        {
            Assert.DoesNotContain(channel, decision.Alternatives);
        }
        // Only a receipt carries what is still needed before the Kasse acts on it or answers.
        Assert.Equal(expected == "recv", decision.BeforeActing is not null);
        if (decision.BeforeActing is { } before)
        {
            Assert.Equal(Need[kind], before.Level);
            Assert.NotEmpty(before.Methods);
            Assert.Equal("letter", before.AnswerBy);
        }
    }

    [Fact]
    public void An_address_change_on_the_phone_is_refused_even_at_hoch_and_the_agent_can_say_where_instead()
    {
        var policy = new DisclosurePolicy(new DisclosureOptions());
        var auth = new AuthenticationFacts(Guid.NewGuid(), KasseId, Person, "hoch", "phone", Now.AddMinutes(10), null);
        var d = DisclosureDecision.Decide(policy, new DecisionInput("phone", "address-change", Direction.Inbound,
            new SubjectFacts(KasseId, Person, new DateOnly(1980, 1, 1)), auth, [], Now, Today));
        Assert.False(d.Allowed);
        Assert.Equal(["portal", "letter", "in-person"], d.Alternatives);
        Assert.Equal("„Adressänderung“ ist über Telefon zum Schutz Ihrer Daten nicht möglich – auch nicht nach einer Authentifizierung. "
            + "Möglich über: Onlineportal mit Postfach – Authentifizierungscode oder Portalanmeldung mit eGK mit PIN oder Online-Ausweis (eID); "
            + "Brief – Unterschrift, Name, Anschrift oder Geburtsdatum und KVNR im Schreiben; Beratungscenter (persönlich) – Lichtbildausweis.", d.Explanation);
    }

    [Fact]
    public void Personal_data_by_email_is_refused_with_the_portal_first()
    {
        var policy = new DisclosurePolicy(new DisclosureOptions());
        var d = DisclosureDecision.Decide(policy, new DecisionInput("email", "benefits-health-data", Direction.Outbound,
            new SubjectFacts(KasseId, Person, new DateOnly(1980, 1, 1)), null, [], Now, Today));
        Assert.Equal(ErrorCodes.DisclosureNoPersonalDataOnChannel, d.ReasonCode);
        Assert.Equal("portal", d.Alternatives[0]);
        Assert.Contains("Onlineportal", d.Explanation, StringComparison.Ordinal);
    }
}
