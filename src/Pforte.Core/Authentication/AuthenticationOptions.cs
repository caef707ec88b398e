using Microsoft.Extensions.Options;

namespace Pforte.Core.Authentication;

/// <summary>
/// <c>Pforte:PhoneQuestions</c>: knowledge-based authentication on the phone. Defaults: three questions, one of them
/// the possession item (last digits of the current card), all right → level substantiell (knowledge + possession are
/// two factors, BSI TR-03107-1; the questions are weaker than the machine procedure, so never hoch).
/// </summary>
public sealed class PhoneQuestionOptions
{
    public const string Section = "Pforte:PhoneQuestions";

    /// <summary>How many questions one round asks (2–5).</summary>
    public int Count { get; set; } = 3;

    /// <summary>Whether every round includes the possession item (the card's last digits).</summary>
    public bool RequirePossession { get; set; } = true;

    /// <summary>The level a fully right round reaches: normal or substantiell (the latter only with possession).</summary>
    public string Level { get; set; } = TrustLevels.Substantiell;

    /// <summary>Digits of the current card number asked for (4–10).</summary>
    public int CardDigits { get; set; } = 5;

    /// <summary>Failed rounds per person per Berlin day, across agents and the IVR.</summary>
    public int MaxTriesPerDay { get; set; } = 3;

    /// <summary>How long drawn questions may be answered.</summary>
    public TimeSpan RoundValidity { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the authentication may be referenced by decisions (one call).</summary>
    public TimeSpan AuthenticationValidity { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// <c>Pforte:WrittenAuthentication</c>: which matched details in a letter or contact-form upload reach which level.
/// Defaults: signature + name + (address or birth date) + KVNR → hoch (post to the registered address counts as
/// secure, and the page allows address changes in writing); without signature → substantiell; name + (address or
/// birth date) → normal; less → none (answer by post only).
/// </summary>
public sealed class WrittenAuthenticationOptions
{
    public const string Section = "Pforte:WrittenAuthentication";

    public string AllDetailsLevel { get; set; } = TrustLevels.Hoch;

    public string WithoutSignatureLevel { get; set; } = TrustLevels.Substantiell;

    public string NameAndAddressLevel { get; set; } = TrustLevels.Normal;

    /// <summary>Written cases take days in the back office.</summary>
    public TimeSpan AuthenticationValidity { get; set; } = TimeSpan.FromDays(14);

    /// <summary>In-person authentications last for the visit.</summary>
    public TimeSpan InPersonValidity { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>
/// <c>Pforte:PortalLogin</c>: the portal's own two-factor login, which the portal back end reports
/// (<c>POST /api/v1/authentications/portal-login</c>). Defaults after the GKV-Spitzenverband's guideline: password +
/// a second factor (TOTP, SMS-TAN, push in the app) → substantiell; eID or eGK with PIN → hoch.
/// </summary>
public sealed class PortalLoginOptions
{
    public const string Section = "Pforte:PortalLogin";

    /// <summary>
    /// The level each possession factor gives a login (<see cref="PortalLoginFactors"/>); a login reaches the highest
    /// level of its possession factors. Keys override single defaults, e.g. <c>Pforte:PortalLogin:Levels:sms-tan=normal</c>.
    /// </summary>
    public Dictionary<string, string> Levels { get; set; } = new(StringComparer.Ordinal)
    {
        [PortalLoginFactors.Totp] = TrustLevels.Substantiell,
        [PortalLoginFactors.SmsTan] = TrustLevels.Substantiell,
        [PortalLoginFactors.App] = TrustLevels.Substantiell,
        [PortalLoginFactors.EgkPin] = TrustLevels.Hoch,
        [PortalLoginFactors.Eid] = TrustLevels.Hoch,
        // Substantiell, not hoch: the passkey is bound to the person by a registration with the code (machine procedure).
        [PortalLoginFactors.Passkey] = TrustLevels.Substantiell,
    };

    /// <summary>How long the authentication may be referenced by decisions (like the machine procedure).</summary>
    public TimeSpan AuthenticationValidity { get; set; } = TimeSpan.FromMinutes(30);
}

internal sealed class PhoneQuestionOptionsValidator : IValidateOptions<PhoneQuestionOptions>
{
    public ValidateOptionsResult Validate(string? name, PhoneQuestionOptions o)
    {
        var errors = new List<string>();
        if (o.Count is < 2 or > 5)
        {
            errors.Add("Pforte:PhoneQuestions:Count muss zwischen 2 und 5 liegen.");
        }
        if (o.Level is not (TrustLevels.Normal or TrustLevels.Substantiell))
        {
            errors.Add("Pforte:PhoneQuestions:Level muss „normal“ oder „substantiell“ sein – Fragen zu persönlichen Daten erreichen nie „hoch“.");
        }
        if (o.Level == TrustLevels.Substantiell && !o.RequirePossession)
        {
            errors.Add("Pforte:PhoneQuestions: „substantiell“ braucht zwei Faktoren – ohne Besitzfaktor (RequirePossession) ist höchstens „normal“ möglich.");
        }
        if (o.CardDigits is < 4 or > 10)
        {
            errors.Add("Pforte:PhoneQuestions:CardDigits muss zwischen 4 und 10 liegen.");
        }
        if (o.MaxTriesPerDay is < 1 or > 3)
        {
            errors.Add("Pforte:PhoneQuestions:MaxTriesPerDay muss zwischen 1 und 3 liegen.");
        }
        if (o.RoundValidity < TimeSpan.FromMinutes(1) || o.RoundValidity > TimeSpan.FromHours(1))
        {
            errors.Add("Pforte:PhoneQuestions:RoundValidity muss zwischen 1 Minute und 1 Stunde liegen.");
        }
        if (o.AuthenticationValidity < TimeSpan.FromMinutes(1) || o.AuthenticationValidity > TimeSpan.FromHours(8))
        {
            errors.Add("Pforte:PhoneQuestions:AuthenticationValidity muss zwischen 1 Minute und 8 Stunden liegen.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class WrittenAuthenticationOptionsValidator : IValidateOptions<WrittenAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, WrittenAuthenticationOptions o)
    {
        var errors = new List<string>();
        foreach (var (key, value) in new[] { ("AllDetailsLevel", o.AllDetailsLevel), ("WithoutSignatureLevel", o.WithoutSignatureLevel), ("NameAndAddressLevel", o.NameAndAddressLevel) })
        {
            if (!TrustLevelOrder.IsKnown(value))
            {
                errors.Add($"Pforte:WrittenAuthentication:{key}: „{value}“ ist kein Vertrauensniveau (none, normal, substantiell, hoch).");
            }
        }
        if (TrustLevelOrder.Rank(o.NameAndAddressLevel) > TrustLevelOrder.Rank(o.WithoutSignatureLevel)
            || TrustLevelOrder.Rank(o.WithoutSignatureLevel) > TrustLevelOrder.Rank(o.AllDetailsLevel))
        {
            errors.Add("Pforte:WrittenAuthentication: Mehr übereinstimmende Angaben dürfen kein niedrigeres Vertrauensniveau ergeben.");
        }
        if (TrustLevelOrder.Rank(o.NameAndAddressLevel) > TrustLevelOrder.Rank(TrustLevels.Normal))
        {
            errors.Add("Pforte:WrittenAuthentication:NameAndAddressLevel: Name und Anschrift sind ein Faktor und erreichen höchstens „normal“.");
        }
        // A written case may take weeks in the back office, but not a quarter; a visit is over within a working day.
        if (o.AuthenticationValidity < TimeSpan.FromMinutes(1) || o.AuthenticationValidity > TimeSpan.FromDays(90))
        {
            errors.Add("Pforte:WrittenAuthentication:AuthenticationValidity muss zwischen 1 Minute und 90 Tagen liegen.");
        }
        if (o.InPersonValidity < TimeSpan.FromMinutes(1) || o.InPersonValidity > TimeSpan.FromHours(12))
        {
            errors.Add("Pforte:WrittenAuthentication:InPersonValidity muss zwischen 1 Minute und 12 Stunden liegen.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class PortalLoginOptionsValidator : IValidateOptions<PortalLoginOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalLoginOptions o)
    {
        const string section = PortalLoginOptions.Section;
        var errors = new List<string>();
        foreach (var (factorId, level) in o.Levels)
        {
            var factor = PortalLoginFactors.Find(factorId);
            if (factor is null)
            {
                errors.Add($"{section}:Levels:{factorId}: Den Faktor gibt es nicht (möglich: {string.Join(", ", PortalLoginFactors.WithLevel.Select(f => f.Id))}).");
            }
            else if (factor.Kind == FactorKind.Knowledge)
            {
                errors.Add($"{section}:Levels:{factorId}: Das Passwort ist ein Wissensfaktor und erreicht allein kein Vertrauensniveau; das Niveau einer Anmeldung geben ihre Besitzfaktoren.");
            }
            else if (level is not (TrustLevels.Normal or TrustLevels.Substantiell or TrustLevels.Hoch))
            {
                errors.Add($"{section}:Levels:{factorId}: „{level}“ ist hier kein Vertrauensniveau (normal, substantiell, hoch).");
            }
            else if (level == TrustLevels.Hoch && !factor.TwoFactorsOnItsOwn)
            {
                errors.Add($"{section}:Levels:{factorId}: „hoch“ erreichen nur eID und eGK mit PIN (Richtlinie des GKV-Spitzenverbands); ein zweiter Faktor wie „{factorId}“ erreicht höchstens „substantiell“.");
            }
        }
        foreach (var missing in PortalLoginFactors.WithLevel.Where(f => !o.Levels.ContainsKey(f.Id)))
        {
            errors.Add($"{section}:Levels:{missing.Id}: Für diesen Faktor fehlt das Vertrauensniveau.");
        }
        if (o.AuthenticationValidity < TimeSpan.FromMinutes(1) || o.AuthenticationValidity > TimeSpan.FromHours(8))
        {
            errors.Add($"{section}:AuthenticationValidity muss zwischen 1 Minute und 8 Stunden liegen.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
