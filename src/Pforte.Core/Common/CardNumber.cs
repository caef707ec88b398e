namespace Pforte.Core.Common;

/// <summary>
/// Kennnummer der Karte (ICCSN) of an eGK: 20 digits = 80 (health) + 276 (Germany) + 5-digit issuer +
/// 10-digit serial. It has no check digit, so only its shape can be validated. Test cards use issuers 883….
/// </summary>
public readonly record struct CardNumber
{
    public const int Length = 20;
    public const string EgkPrefix = "80276";

    private CardNumber(string value) => Value = value;

    public string Value { get; }

    public string Issuer => Value.Substring(5, 5);

    public bool IsTestCard => Value.AsSpan(5).StartsWith("883");

    public override string ToString() => Value;

    public static Result<CardNumber> Parse(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return new Error(ErrorCodes.CardMissing);
        }
        if (Identifiers.HasWhitespace(input))
        {
            return new Error(ErrorCodes.CardWhitespace);
        }
        var bad = Identifiers.FirstNonAsciiDigit(input);
        if (bad >= 0)
        {
            return new Error(ErrorCodes.CardCharacter, bad + 1);
        }
        if (input.Length != Length)
        {
            return new Error(ErrorCodes.CardLength, input.Length);
        }
        if (!input.StartsWith(EgkPrefix, StringComparison.Ordinal))
        {
            return new Error(ErrorCodes.CardNotEgk);
        }
        return new CardNumber(input);
    }

    /// <summary>Builds a card number from a 5-digit issuer and a 10-digit serial (demo data and tests).</summary>
    public static CardNumber Create(int issuer, long serial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(issuer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(issuer, 99_999);
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, 9_999_999_999);
        return new CardNumber(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{EgkPrefix}{issuer:D5}{serial:D10}"));
    }
}
