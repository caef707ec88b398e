using Pforte.Core.Common;

namespace Pforte.Core.Ivr;

/// <summary>What the platform reports for a turn (docs/ivr.md, "Inputs").</summary>
public static class IvrInputKinds
{
    /// <summary>Keys pressed (digits; "*" alone = repeat, "0" alone = agent).</summary>
    public const string Dtmf = "dtmf";

    /// <summary>Recognised speech as text (the platform's recogniser): letters and digits, blanks ignored.</summary>
    public const string Speech = "speech";

    public const string NoInput = "noinput";
    public const string NoMatch = "nomatch";
    public const string Repeat = "repeat";
    public const string Agent = "agent";
    public const string Hangup = "hangup";

    public const int MaxValueLength = 64;

    public static bool IsKnown(string? kind) => kind is Dtmf or Speech or NoInput or NoMatch or Repeat or Agent or Hangup;
}

/// <summary>One input of a turn: its kind and, for dtmf and speech, its value.</summary>
public sealed record IvrInput(string? Kind, string? Value = null)
{
    /// <summary>The input checked: a known kind, and a value of at most 64 characters where one is needed.</summary>
    public Error? Check()
    {
        if (!IvrInputKinds.IsKnown(Kind))
        {
            return new Error(ErrorCodes.IvrInputKindUnknown, TextInput.Echo(Kind));
        }
        if (Kind is IvrInputKinds.Dtmf or IvrInputKinds.Speech
            && (string.IsNullOrWhiteSpace(Value) || Value.Length > IvrInputKinds.MaxValueLength || TextInput.FirstForbidden(Value) is not null))
        {
            return new Error(ErrorCodes.IvrInputMissing, Kind);
        }
        return null;
    }
}

/// <summary>How keyed or spoken input becomes a field's value.</summary>
public static class KeypadInput
{
    /// <summary>
    /// The insurance number from the keypad: the letter as its two-digit position (A = 01 … Z = 26), then the nine
    /// digits — eleven keys. From speech: the letter (or its two-digit position) and nine digits, blanks, dots and
    /// hyphens ignored, case ignored ("a 123 456 789"). Null when the shape is wrong; the check digit is checked by
    /// <see cref="Kvnr.Parse"/>.
    /// </summary>
    public static Kvnr? Kvnr(string kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = kind == IvrInputKinds.Speech ? Compact(value).ToUpperInvariant() : value;
        string candidate;
        if (text.Length == 11 && text.All(char.IsAsciiDigit))
        {
            var position = (text[0] - '0') * 10 + (text[1] - '0');
            if (position is < 1 or > 26)
            {
                return null;
            }
            candidate = (char)('A' + position - 1) + text[2..];
        }
        else if (kind == IvrInputKinds.Speech && text.Length == 10 && text[0] is >= 'A' and <= 'Z')
        {
            candidate = text;
        }
        else
        {
            return null;
        }
        return Common.Kvnr.Parse(candidate).TryGetValue(out var kvnr, out _) ? kvnr : null;
    }

    /// <summary>Exactly <paramref name="length"/> digits (speech: blanks, dots and hyphens between them ignored), else null.</summary>
    public static string? Digits(string kind, string value, int length)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = kind == IvrInputKinds.Speech ? Compact(value) : value;
        return text.Length == length && text.All(char.IsAsciiDigit) ? text : null;
    }

    private static string Compact(string value) => string.Concat(value.Where(c => c is not (' ' or '.' or '-' or ',')));
}
