using Microsoft.Extensions.Options;
using Pforte.Core.Authentication;
using Pforte.Core.Common;

namespace Pforte.Core.Disclosure;

/// <summary>
/// How far each authentication method can get under the current settings, and what it takes, in words an agent can
/// read out. The disclosure decision offers a channel as an alternative only where a method offered there reaches the
/// request's protection need, and names that method (issue 11: "possible via portal, phone" for a request that needs
/// hoch there is only true with the code or an eID login).
/// </summary>
public sealed class MethodReach
{
    private static readonly string[] PortalFactorOrder =
        [PortalLoginFactors.Totp, PortalLoginFactors.SmsTan, PortalLoginFactors.App, PortalLoginFactors.EgkPin, PortalLoginFactors.Eid];

    private readonly PhoneQuestionOptions _phone;
    private readonly WrittenAuthenticationOptions _written;
    private readonly PortalLoginOptions _portal;

    public MethodReach(IOptions<PhoneQuestionOptions> phone, IOptions<WrittenAuthenticationOptions> written, IOptions<PortalLoginOptions> portal)
        : this(phone?.Value ?? new(), written?.Value ?? new(), portal?.Value ?? new())
    {
    }

    public MethodReach(PhoneQuestionOptions phone, WrittenAuthenticationOptions written, PortalLoginOptions portal)
    {
        _phone = phone ?? throw new ArgumentNullException(nameof(phone));
        _written = written ?? throw new ArgumentNullException(nameof(written));
        _portal = portal ?? throw new ArgumentNullException(nameof(portal));
    }

    /// <summary>The defaults of every method's settings.</summary>
    public static MethodReach Defaults { get; } = new(new PhoneQuestionOptions(), new WrittenAuthenticationOptions(), new PortalLoginOptions());

    /// <summary>The highest level the method can give.</summary>
    public string Highest(string method) => method switch
    {
        AuthenticationMethods.MachineCode or AuthenticationMethods.InPersonDocument => TrustLevels.Hoch,
        AuthenticationMethods.PhoneQuestions => _phone.Level,
        AuthenticationMethods.PortalLogin => PortalFactorOrder.Select(f => _portal.Levels.GetValueOrDefault(f, TrustLevels.None))
            .MaxBy(TrustLevelOrder.Rank) ?? TrustLevels.None,
        AuthenticationMethods.LetterDetails or AuthenticationMethods.ContactFormDetails => _written.AllDetailsLevel,
        _ => TrustLevels.None,
    };

    public bool Reaches(string method, string level) => TrustLevelOrder.Rank(Highest(method)) >= TrustLevelOrder.Rank(level);

    /// <summary>What the method takes to reach the level, or null when it cannot.</summary>
    public Localized? Means(string method, string level)
    {
        if (!Reaches(method, level))
        {
            return null;
        }
        var rank = TrustLevelOrder.Rank(level);
        switch (method)
        {
            case AuthenticationMethods.MachineCode:
                return new("Authentifizierungscode", "authentication code");
            case AuthenticationMethods.PhoneQuestions:
                return new("Fragen zu persönlichen Daten", "questions on personal data");
            case AuthenticationMethods.InPersonDocument:
                return new("Lichtbildausweis", "photo ID");
            case AuthenticationMethods.PortalLogin:
                var factors = PortalFactorOrder.Where(f => TrustLevelOrder.Rank(_portal.Levels.GetValueOrDefault(f, TrustLevels.None)) >= rank).ToList();
                return factors.Count == PortalFactorOrder.Length
                    ? new("Portalanmeldung", "portal login")
                    : new("Portalanmeldung mit " + string.Join(" oder ", factors.Select(f => FactorName(f).German)),
                        "portal login with " + string.Join(" or ", factors.Select(f => FactorName(f).English)));
            case AuthenticationMethods.LetterDetails:
            case AuthenticationMethods.ContactFormDetails:
                var (placeDe, placeEn) = method == AuthenticationMethods.LetterDetails ? ("im Schreiben", "in the letter") : ("in den Unterlagen", "in the documents");
                return rank <= TrustLevelOrder.Rank(_written.NameAndAddressLevel)
                    ? new($"Name und Anschrift oder Geburtsdatum {placeDe}", $"name and address or birth date {placeEn}")
                    : rank <= TrustLevelOrder.Rank(_written.WithoutSignatureLevel)
                        ? new($"Name, Anschrift oder Geburtsdatum und KVNR {placeDe}", $"name, address or birth date and KVNR {placeEn}")
                        : new($"Unterschrift, Name, Anschrift oder Geburtsdatum und KVNR {placeDe}", $"signature, name, address or birth date and KVNR {placeEn}");
            default:
                return null;
        }
    }

    private static Localized FactorName(string factor) => factor switch
    {
        PortalLoginFactors.Totp => new("Authenticator-App", "authenticator app"),
        PortalLoginFactors.SmsTan => new("SMS-TAN", "SMS TAN"),
        PortalLoginFactors.App => new("Bestätigung in der App", "confirmation in the app"),
        PortalLoginFactors.EgkPin => new("eGK mit PIN", "eGK with PIN"),
        PortalLoginFactors.Eid => new("Online-Ausweis (eID)", "online ID (eID)"),
        _ => new(factor, factor),
    };
}
