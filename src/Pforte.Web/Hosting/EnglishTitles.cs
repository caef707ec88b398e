using System.Globalization;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;

namespace Pforte.Web.Hosting;

/// <summary>
/// The English <c>title</c> of a problem is English only. Core puts German names of channels and request kinds
/// into an error's values (the German <c>detail</c> is read out to insured persons); for the title those names,
/// alone or as a comma-separated list, are replaced by their English names. Values that are not such names (a
/// field, a number, a KVNR) stay as they are.
/// </summary>
public static class EnglishTitles
{
    private static readonly Dictionary<string, string> ChannelNames = new(StringComparer.Ordinal)
    {
        [Channels.InPerson] = "customer centre (in person)",
        [Channels.Phone] = "phone",
        [Channels.Portal] = "online portal with mailbox",
        [Channels.Letter] = "letter",
        [Channels.ContactForm] = "contact form",
        [Channels.Email] = "e-mail",
        [Channels.Chat] = "chat / social media",
        [Channels.Fax] = "fax",
    };

    private static readonly Dictionary<string, string> RequestKindEnglish = new(StringComparer.Ordinal)
    {
        [RequestKinds.GeneralInformation] = "General information",
        [RequestKinds.InsuranceStatus] = "Insurance status / membership certificate",
        [RequestKinds.Contributions] = "Contributions",
        [RequestKinds.BenefitsHealthData] = "Benefits and health data",
        [RequestKinds.AddressChange] = "Change of address",
        [RequestKinds.BankDetailsChange] = "Change of bank details",
        [RequestKinds.NewEgk] = "New health card",
        [RequestKinds.NewAuthCode] = "New authentication code",
        [RequestKinds.SendDocuments] = "Sending documents",
        [RequestKinds.PortalRegistration] = "Registration in the online portal",
    };

    /// <summary>German name → English name, for every channel and request kind Core knows.</summary>
    private static readonly Dictionary<string, string> ByGermanName = Channels.All
        .Select(id => (German: Channels.GermanName(id), English: ChannelNames.GetValueOrDefault(id, id)))
        .Concat(RequestKinds.All.Select(id => (German: RequestKindNames.German(id), English: RequestKindEnglish.GetValueOrDefault(id, id))))
        .ToDictionary(p => p.German, p => p.English, StringComparer.Ordinal);

    public static string English(string channelOrKindId) =>
        ChannelNames.GetValueOrDefault(channelOrKindId) ?? RequestKindEnglish.GetValueOrDefault(channelOrKindId) ?? channelOrKindId;

    /// <summary>Codes whose value is a German sentence of Core (e.g. why a person gets no code): the title points to the detail.</summary>
    private static readonly HashSet<string> GermanProse = new(StringComparer.Ordinal) { ErrorCodes.ReissueNotEligible };

    private const string SeeDetail = "reason in German in \"detail\"";

    /// <summary>The error's English sentence with German names in its values replaced.</summary>
    public static string Title(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var prose = GermanProse.Contains(error.Code);
        var args = error.Args.Select(a => a is string s ? (prose ? SeeDetail : Translate(s)) : a).ToArray();
        return (error with { Args = args }).MessageIn(ErrorTexts.English);
    }

    private static string Translate(string value)
    {
        if (ByGermanName.TryGetValue(value, out var english))
        {
            return english;
        }
        var parts = value.Split(", ");
        if (parts.Length > 1 && parts.All(ByGermanName.ContainsKey))
        {
            return string.Join(", ", parts.Select(p => ByGermanName[p]));
        }
        // Anything else that is recognisably German (umlauts, ß, German quotes) is not put into an English sentence.
        return value.AsSpan().IndexOfAny(GermanOnlyCharacters) >= 0 ? SeeDetail : value;
    }

    private static readonly System.Buffers.SearchValues<char> GermanOnlyCharacters = System.Buffers.SearchValues.Create("äöüÄÖÜß„“‚‘");
}

/// <summary>
/// A value of an error's sentence that has a German and an English form (e.g. the description of a weak-code rule):
/// <see cref="string.Format(IFormatProvider, string, object[])"/> picks the form by the culture it formats in.
/// </summary>
public sealed record LocalizedText(string German, string English) : IFormattable
{
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        formatProvider is CultureInfo { TwoLetterISOLanguageName: "en" } ? English : German;

    public override string ToString() => German;
}
