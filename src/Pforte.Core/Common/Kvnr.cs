namespace Pforte.Core.Common;

/// <summary>
/// The unchangeable 10-character part of the Krankenversichertennummer: one capital letter, eight digits,
/// one check digit (domain.md §3). Parsing never throws and never "repairs" input: an insured person's
/// identifier that had to be trimmed or upper-cased is a typo we want to see, not to hide.
/// </summary>
public readonly record struct Kvnr
{
    public const int Length = 10;

    private Kvnr(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    public static Result<Kvnr> Parse(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return new Error(ErrorCodes.KvnrMissing);
        }
        if (Identifiers.HasWhitespace(input))
        {
            return new Error(ErrorCodes.KvnrWhitespace);
        }
        if (input.Length != Length)
        {
            return new Error(ErrorCodes.KvnrLength, input.Length);
        }
        var first = input[0];
        if (first is >= 'a' and <= 'z')
        {
            return new Error(ErrorCodes.KvnrLowerCase);
        }
        if (first is < 'A' or > 'Z')
        {
            return new Error(ErrorCodes.KvnrCharacter, 1);
        }
        for (var i = 1; i < Length; i++)
        {
            if (!char.IsAsciiDigit(input[i]))
            {
                return new Error(ErrorCodes.KvnrCharacter, i + 1);
            }
        }
        if (CheckDigit(first, input.AsSpan(1, 8)) != input[9] - '0')
        {
            return new Error(ErrorCodes.KvnrCheckDigit);
        }
        return new Kvnr(input);
    }

    /// <summary>
    /// The letter becomes its alphabet position as two digits (A=01 … Z=26); with the eight digits that gives
    /// ten digits, weighted 1,2,1,2,… left to right; each product is replaced by its digit sum; sum mod 10.
    /// </summary>
    public static int CheckDigit(char letter, ReadOnlySpan<char> eightDigits)
    {
        var position = letter - 'A' + 1;
        Span<int> digits = stackalloc int[10];
        digits[0] = position / 10;
        digits[1] = position % 10;
        for (var i = 0; i < 8; i++)
        {
            digits[i + 2] = eightDigits[i] - '0';
        }
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            var product = digits[i] * (i % 2 == 0 ? 1 : 2);
            sum += product / 10 + product % 10;
        }
        return sum % 10;
    }

    /// <summary>Builds a valid KVNR from a letter and eight digits (demo data and tests).</summary>
    public static Kvnr Create(char letter, int eightDigits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(letter, 'A');
        ArgumentOutOfRangeException.ThrowIfGreaterThan(letter, 'Z');
        ArgumentOutOfRangeException.ThrowIfNegative(eightDigits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(eightDigits, 99_999_999);
        var digits = eightDigits.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        return new Kvnr(string.Concat(letter.ToString(), digits, CheckDigit(letter, digits).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
