using Pforte.Core.Authentication;

namespace Pforte.Core.Disclosure;

/// <summary>
/// The defaults, taken from the insurer's page "Sichere Kundenkommunikation" and domain.md §4 (docs/disclosure.md
/// shows the same tables). Settings under <c>Pforte:Channels</c> / <c>Pforte:RequestKinds</c> override single values.
/// <code>
/// Channel       Inbound  Methods                          Personal data out  Anything out
/// in-person     yes      in-person-document               yes                yes
/// phone         yes      machine-code, phone-questions    yes                yes
/// portal        yes      machine-code, portal-login       yes                yes
/// letter        yes      letter-details                   yes                yes
/// contact-form  yes      contact-form-details             no (answer by letter/portal)  no
/// email         yes      –                                never              content-free notices only
/// chat          yes      –                                never              content-free notices only
/// fax           yes      –                                never              no (inbound only)
///
/// Request kind          Protection need  Channels
/// general-information   none             all
/// insurance-status      substantiell     in-person, phone, portal, letter, contact-form
/// contributions         hoch             in-person, phone, portal, letter, contact-form
/// benefits-health-data  hoch             in-person, phone, portal, letter, contact-form
/// address-change        hoch             in-person, portal, letter            (never phone, domain.md §4)
/// bank-details-change   hoch             in-person, portal, letter            (same as address changes)
/// new-egk               normal           in-person, phone, portal, letter, contact-form
/// new-auth-code         normal           in-person, phone, portal, letter, contact-form
/// send-documents        hoch             in-person, portal, letter, contact-form   (inbound: accepted without
///                                                                                    authentication, hoch to act on)
/// portal-registration   hoch             in-person, portal, letter
/// </code>
/// </summary>
public static class DisclosureDefaults
{
    public sealed record Channel(string Id, bool Inbound, IReadOnlyList<string> Methods, bool PersonalDataOutbound, bool Outbound);

    public sealed record RequestKind(string Id, string ProtectionNeed, IReadOnlyList<string> Channels);

    public static readonly IReadOnlyList<Channel> ChannelTable =
    [
        new(Channels.InPerson, true, [AuthenticationMethods.InPersonDocument], true, true),
        new(Channels.Phone, true, [AuthenticationMethods.MachineCode, AuthenticationMethods.PhoneQuestions], true, true),
        new(Channels.Portal, true, [AuthenticationMethods.MachineCode, AuthenticationMethods.PortalLogin], true, true),
        new(Channels.Letter, true, [AuthenticationMethods.LetterDetails], true, true),
        new(Channels.ContactForm, true, [AuthenticationMethods.ContactFormDetails], false, false),
        new(Channels.Email, true, [], false, true),
        new(Channels.Chat, true, [], false, true),
        new(Channels.Fax, true, [], false, false),
    ];

    private static readonly string[] Personal = [Channels.InPerson, Channels.Phone, Channels.Portal, Channels.Letter, Channels.ContactForm];
    private static readonly string[] WrittenOrInPerson = [Channels.InPerson, Channels.Portal, Channels.Letter];

    public static readonly IReadOnlyList<RequestKind> RequestKindTable =
    [
        new(RequestKinds.GeneralInformation, TrustLevels.None, Channels.All),
        new(RequestKinds.InsuranceStatus, TrustLevels.Substantiell, Personal),
        new(RequestKinds.Contributions, TrustLevels.Hoch, Personal),
        new(RequestKinds.BenefitsHealthData, TrustLevels.Hoch, Personal),
        new(RequestKinds.AddressChange, TrustLevels.Hoch, WrittenOrInPerson),
        new(RequestKinds.BankDetailsChange, TrustLevels.Hoch, WrittenOrInPerson),
        new(RequestKinds.NewEgk, TrustLevels.Normal, Personal),
        new(RequestKinds.NewAuthCode, TrustLevels.Normal, Personal),
        new(RequestKinds.SendDocuments, TrustLevels.Hoch, [Channels.InPerson, Channels.Portal, Channels.Letter, Channels.ContactForm]),
        new(RequestKinds.PortalRegistration, TrustLevels.Hoch, WrittenOrInPerson),
    ];

    /// <summary>
    /// Request kinds that are declarations of intent (Willenserklärungen): with a Betreuer's Einwilligungsvorbehalt
    /// covering them, the person cannot make them alone (§ 1825 BGB). Fixed, not a setting: it is law, not policy.
    /// </summary>
    public static readonly IReadOnlyList<string> NeedConsent =
        [RequestKinds.AddressChange, RequestKinds.BankDetailsChange, RequestKinds.NewEgk, RequestKinds.PortalRegistration];

    /// <summary>
    /// Request kinds whose inbound side is receiving: documents and messages sent in are accepted on every channel
    /// that carries the kind inbound, without a prior authentication (domain.md §4: receiving is never the risk;
    /// the insurer's page: the contact form "kann daher genutzt werden, um uns Unterlagen zuzusenden. Eine
    /// Authentifizierung ist über Angaben in den Dokumenten möglich"). Acting on them and answering need the
    /// protection need; until then the answer goes by post to the registered address. Fixed, like the rules below.
    /// </summary>
    public static readonly IReadOnlyList<string> ReceivedWithoutAuthentication = [RequestKinds.SendDocuments];

    /// <summary>Request kinds that may never change on these channels, whatever the settings say (domain.md §4).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Forbidden = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [RequestKinds.AddressChange] = [Channels.Phone, Channels.Email, Channels.Chat, Channels.Fax, Channels.ContactForm],
        [RequestKinds.BankDetailsChange] = [Channels.Phone, Channels.Email, Channels.Chat, Channels.Fax, Channels.ContactForm],
    };
}
