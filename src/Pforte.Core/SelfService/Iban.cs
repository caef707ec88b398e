using System.Collections.Frozen;
using Pforte.Core.Common;

namespace Pforte.Core.SelfService;

/// <summary>
/// An IBAN (ISO 13616) of the SEPA area: country code, two check digits (ISO 7064 MOD 97-10) and the national
/// account number, with the length each country fixes. Like the other identifiers it is never "repaired": spaces
/// between the groups of four as printed on cards and statements are allowed, anything else is refused.
/// </summary>
public static class Iban
{
    /// <summary>SEPA countries and territories with their IBAN lengths (SWIFT IBAN registry).</summary>
    public static readonly FrozenDictionary<string, int> Lengths = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AT"] = 20, ["BE"] = 16, ["BG"] = 22, ["CH"] = 21, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18,
        ["EE"] = 20, ["ES"] = 24, ["FI"] = 18, ["FR"] = 27, ["GB"] = 22, ["GI"] = 23, ["GR"] = 27, ["HR"] = 21, ["HU"] = 28,
        ["IE"] = 22, ["IS"] = 26, ["IT"] = 27, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["MC"] = 27, ["MT"] = 31,
        ["NL"] = 18, ["NO"] = 15, ["PL"] = 28, ["PT"] = 25, ["RO"] = 24, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27,
        ["VA"] = 22,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The IBAN in electronic form (no spaces), or the refusal.</summary>
    public static Result<string> Parse(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return new Error(ErrorCodes.SelfIbanMissing);
        }
        if (input.Length > 50)
        {
            return new Error(ErrorCodes.SelfIbanCharacters);
        }
        var iban = input.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (iban.Length < 5 || !char.IsAsciiLetterUpper(iban[0]) || !char.IsAsciiLetterUpper(iban[1])
            || !char.IsAsciiDigit(iban[2]) || !char.IsAsciiDigit(iban[3])
            || !iban.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c)))
        {
            return new Error(ErrorCodes.SelfIbanCharacters);
        }
        var country = iban[..2];
        if (!Lengths.TryGetValue(country, out var length))
        {
            return new Error(ErrorCodes.SelfIbanCountry, country);
        }
        if (iban.Length != length)
        {
            return new Error(ErrorCodes.SelfIbanLength, country, length, iban.Length);
        }
        return Mod97(iban) == 1 ? iban : new Error(ErrorCodes.SelfIbanCheckDigits);
    }

    /// <summary>What pages, letters and the audit record show: the country, the check digits and the last four characters.</summary>
    public static string Masked(string iban)
    {
        ArgumentNullException.ThrowIfNull(iban);
        return iban.Length < 8 ? "****" : $"{iban[..4]} **** **** {iban[^4..]}";
    }

    /// <summary>ISO 7064 MOD 97-10 over the rearranged IBAN (first four characters moved to the end, letters as 10–35).</summary>
    private static int Mod97(string iban)
    {
        var remainder = 0;
        foreach (var c in iban[4..] + iban[..4])
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value < 10 ? (remainder * 10 + value) % 97 : (remainder * 100 + value) % 97;
        }
        return remainder;
    }
}
