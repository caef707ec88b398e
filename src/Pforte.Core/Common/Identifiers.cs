namespace Pforte.Core.Common;

internal static class Identifiers
{
    public static bool HasWhitespace(string input)
    {
        foreach (var c in input)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Index (0-based) of the first character that is not an ASCII digit, or -1.</summary>
    public static int FirstNonAsciiDigit(ReadOnlySpan<char> input)
    {
        for (var i = 0; i < input.Length; i++)
        {
            if (!char.IsAsciiDigit(input[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
