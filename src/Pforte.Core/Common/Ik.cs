namespace Pforte.Core.Common;

/// <summary>
/// Institutionskennzeichen: 9 digits; the check digit (9th) is computed over positions 3–8 only, weights
/// 2,1,2,1,2,1, digit sums of the products added, sum mod 10. Positions 3–4 are the region (06 = Hessen).
/// </summary>
public readonly record struct Ik
{
    public const int Length = 9;

    private Ik(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    public static Result<Ik> Parse(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return new Error(ErrorCodes.IkMissing);
        }
        if (Identifiers.HasWhitespace(input))
        {
            return new Error(ErrorCodes.IkWhitespace);
        }
        var bad = Identifiers.FirstNonAsciiDigit(input);
        if (bad >= 0)
        {
            return new Error(ErrorCodes.IkCharacter, bad + 1);
        }
        if (input.Length != Length)
        {
            return new Error(ErrorCodes.IkLength, input.Length);
        }
        if (CheckDigit(input.AsSpan(0, 8)) != input[8] - '0')
        {
            return new Error(ErrorCodes.IkCheckDigit);
        }
        return new Ik(input);
    }

    public static int CheckDigit(ReadOnlySpan<char> firstEight)
    {
        var sum = 0;
        for (var i = 2; i < 8; i++)
        {
            var product = (firstEight[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += product / 10 + product % 10;
        }
        return sum % 10;
    }

    /// <summary>Completes eight digits with their check digit.</summary>
    public static Ik Create(string firstEight)
    {
        if (firstEight.Length != 8 || Identifiers.FirstNonAsciiDigit(firstEight) >= 0)
        {
            throw new ArgumentException("Eight ASCII digits expected.", nameof(firstEight));
        }
        return new Ik(firstEight + (char)('0' + CheckDigit(firstEight)));
    }
}
