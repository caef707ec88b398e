using System.Text;

namespace Pforte.Core.Common;

/// <summary>
/// The one input policy for text that reaches Pforte from outside — every API field, every CLI argument, every
/// import cell (ADR 0013). A value is refused, with an error naming its field, when it
/// <list type="bullet">
/// <item>holds a control character (C0 incl. NUL, TAB, CR, LF and ESC; DEL; C1 U+0080–U+009F): PostgreSQL cannot
/// store NUL at all, and the others have no business in names, reasons or identifiers — they garble terminals, logs
/// and the audit record;</item>
/// <item>holds a lone surrogate (not a character at all: neither UTF-8 nor PostgreSQL can hold it), a
/// non-character (U+FFFE, U+FFFF), a line or paragraph separator (U+2028, U+2029), or a bidirectional embedding,
/// override or isolate (U+202A–U+202E, U+2066–U+2069), which make a stored value read differently from what it is;</item>
/// <item>is longer than the field's limit after trimming and normalisation (counted in UTF-16 code units, so never
/// more characters than the column holds).</item>
/// </list>
/// What passes is trimmed and normalised to Unicode NFC, so that "Müller" typed with a combining diaeresis and
/// "Müller" typed precomposed are stored and compared as the same name. Identifiers with a syntax of their own (KVNR,
/// card number, IK) keep their own parsers, which refuse every character outside their alphabet.
/// </summary>
public static class TextInput
{
    /// <summary>Limits of free-text fields that have no column of their own (they end up in the audit record).</summary>
    public const int ShortText = 64;

    /// <summary>Reasons and purposes (audit details).</summary>
    public const int Reason = 500;

    /// <summary>The first character the policy refuses, or null. Never throws (unlike <see cref="string.Normalize()"/> on a lone surrogate).</summary>
    public static int? FirstForbidden(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    continue;
                }
                return i;
            }
            if (char.IsLowSurrogate(c) || IsForbidden(c))
            {
                return i;
            }
        }
        return null;
    }

    private static bool IsForbidden(char c) =>
        char.IsControl(c) // U+0000–U+001F, U+007F–U+009F
        || c is '\uFFFE' or '\uFFFF' or '\u2028' or '\u2029'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069';

    /// <summary>
    /// A refused value as an error sentence may quote it: forbidden characters shown as "?", at most 32 characters.
    /// </summary>
    public static string Echo(string? value)
    {
        if (value is null)
        {
            return "";
        }
        var shown = new StringBuilder(Math.Min(value.Length, 33));
        for (var i = 0; i < value.Length && shown.Length < 32; i++)
        {
            var c = value[i];
            shown.Append(char.IsSurrogate(c) || IsForbidden(c) ? '?' : c);
        }
        if (value.Length > 32)
        {
            shown.Append('…');
        }
        return shown.ToString();
    }

    /// <summary>
    /// An optional field: null or blank → null; otherwise trimmed, checked and NFC-normalised.
    /// </summary>
    public static Result<string?> Optional(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value) && (value is null || FirstForbidden(value) is null))
        {
            return (string?)null;
        }
        if (!Clean(field, value!, maxLength).TryGetValue(out var clean, out var error))
        {
            return error;
        }
        return clean;
    }

    /// <summary>A required field: missing or blank → <paramref name="missing"/> (default PF-REC-001 naming the field).</summary>
    public static Result<string> Required(string field, string? value, int maxLength, Error? missing = null)
    {
        if (string.IsNullOrWhiteSpace(value) && (value is null || FirstForbidden(value) is null))
        {
            return missing ?? new Error(ErrorCodes.FieldRequired, field);
        }
        return Clean(field, value!, maxLength);
    }

    /// <summary>
    /// A required multi-line text (a message body): line breaks are kept (CR LF and CR become LF) and a TAB becomes a
    /// space; every other character follows the same policy as a single-line field. Trailing blanks are trimmed.
    /// </summary>
    public static Result<string> RequiredMultiline(string field, string? value, int maxLength, Error? missing = null)
    {
        if (value is null)
        {
            return missing ?? new Error(ErrorCodes.FieldRequired, field);
        }
        if (value.Length > 3 * maxLength + 64)
        {
            return new Error(ErrorCodes.FieldTooLong, field, maxLength);
        }
        var lines = value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace('\t', ' ').Split('\n');
        var offset = 0;
        foreach (var line in lines)
        {
            if (FirstForbidden(line) is { } position)
            {
                return new Error(ErrorCodes.InputForbiddenCharacter, field, offset + position + 1);
            }
            offset += line.Length + 1;
        }
        var clean = string.Join('\n', lines.Select(l => l.TrimEnd())).Trim().Normalize(NormalizationForm.FormC);
        if (clean.Length == 0)
        {
            return missing ?? new Error(ErrorCodes.FieldRequired, field);
        }
        return clean.Length > maxLength ? new Error(ErrorCodes.FieldTooLong, field, maxLength) : clean;
    }

    /// <summary>Only the refusal of an optional field, for callers that keep the value as it is (e.g. identifiers parsed afterwards).</summary>
    public static Error? Check(string field, string? value, int maxLength) =>
        Optional(field, value, maxLength).Error;

    private static Result<string> Clean(string field, string value, int maxLength)
    {
        // A value far beyond the limit is refused before any further work (NFC grows a string by at most a factor of 3).
        if (value.Length > 3 * maxLength + 64)
        {
            return new Error(ErrorCodes.FieldTooLong, field, maxLength);
        }
        if (FirstForbidden(value) is { } position)
        {
            return new Error(ErrorCodes.InputForbiddenCharacter, field, position + 1);
        }
        var clean = value.Trim().Normalize(NormalizationForm.FormC);
        if (clean.Length > maxLength)
        {
            return new Error(ErrorCodes.FieldTooLong, field, maxLength);
        }
        return clean;
    }
}
