using Pforte.Core.Common;

namespace Pforte.Core.Authentication;

/// <summary>What a factor proves: something the person knows, or something the person has.</summary>
public enum FactorKind
{
    Knowledge = 1,
    Possession = 2,
}

/// <summary>One factor the portal back end may report, as the API names it.</summary>
/// <param name="Id">Identifier in the API and in <c>Pforte:PortalLogin:Levels</c>.</param>
/// <param name="Kind">Knowledge or possession.</param>
/// <param name="TwoFactorsOnItsOwn">
/// A card used with its PIN (eID, eGK): possession of the card and knowledge of the PIN, so two factors in one.
/// </param>
public sealed record PortalLoginFactor(string Id, FactorKind Kind, bool TwoFactorsOnItsOwn);

/// <summary>
/// The closed list of factors of the portal's login (docs/disclosure.md) and the rule a reported combination must
/// meet: two factors of different kinds (knowledge + possession), or eID / eGK with PIN, which are two factors each.
/// The level of an accepted login is the highest level configured for its possession factors
/// (<see cref="PortalLoginOptions.Levels"/>).
/// </summary>
public static class PortalLoginFactors
{
    /// <summary>The portal password (knowledge).</summary>
    public const string Password = "password";

    /// <summary>A one-time password from an authenticator app (possession of the enrolled device).</summary>
    public const string Totp = "totp";

    /// <summary>A TAN sent by SMS to the registered mobile number (possession of the phone).</summary>
    public const string SmsTan = "sms-tan";

    /// <summary>A push confirmation in the Kasse's app (possession of the enrolled device).</summary>
    public const string App = "app";

    /// <summary>The eGK read by NFC with its PIN (card + PIN: two factors).</summary>
    public const string EgkPin = "egk-pin";

    /// <summary>Online-Ausweis (eID of the Personalausweis or Aufenthaltstitel, card + PIN: two factors).</summary>
    public const string Eid = "eid";

    /// <summary>
    /// A passkey (WebAuthn credential with user verification required): possession of the device and its PIN or
    /// biometrics, so two factors in one — the portal's login without a password (issue 12, ADR 0015).
    /// </summary>
    public const string Passkey = "passkey";

    public static readonly IReadOnlyList<PortalLoginFactor> All =
    [
        new(Password, FactorKind.Knowledge, false),
        new(Totp, FactorKind.Possession, false),
        new(SmsTan, FactorKind.Possession, false),
        new(App, FactorKind.Possession, false),
        new(EgkPin, FactorKind.Possession, true),
        new(Eid, FactorKind.Possession, true),
        new(Passkey, FactorKind.Possession, true),
    ];

    public static PortalLoginFactor? Find(string? id) => All.FirstOrDefault(f => string.Equals(f.Id, id, StringComparison.Ordinal));

    /// <summary>The factors that carry a level (every possession factor; a password never reaches a level alone).</summary>
    public static IEnumerable<PortalLoginFactor> WithLevel => All.Where(f => f.Kind == FactorKind.Possession);

    /// <summary>
    /// Checks a reported combination and gives its level. Refusals, in this order: an unknown factor (PF-AUTH-013),
    /// one given twice (014), a single factor that is not eID / eGK with PIN (015), factors all of one kind (016).
    /// </summary>
    public static Result<string> Level(IReadOnlyList<string?>? factors, IReadOnlyDictionary<string, string> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        factors ??= [];
        var known = new List<PortalLoginFactor>(factors.Count);
        foreach (var id in factors)
        {
            var factor = Find(id);
            if (factor is null)
            {
                return new Error(ErrorCodes.PortalFactorUnknown, id ?? "", string.Join(", ", All.Select(f => f.Id)));
            }
            if (known.Contains(factor))
            {
                return new Error(ErrorCodes.PortalFactorDuplicate, factor.Id);
            }
            known.Add(factor);
        }
        if (!known.Any(f => f.TwoFactorsOnItsOwn))
        {
            if (known.Count < 2)
            {
                return new Error(ErrorCodes.PortalFactorsTooFew);
            }
            if (known.Select(f => f.Kind).Distinct().Count() < 2)
            {
                return new Error(ErrorCodes.PortalFactorsSameKind, string.Join(", ", known.Select(f => f.Id)));
            }
        }
        return known.Where(f => f.Kind == FactorKind.Possession).Select(f => levels[f.Id]).MaxBy(TrustLevelOrder.Rank)!;
    }
}
