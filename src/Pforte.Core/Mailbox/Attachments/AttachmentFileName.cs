using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Pforte.Core.Mailbox.Attachments;

/// <summary>
/// The file name a person gave, made safe to store, show and offer for download (ADR 0020): no path, no control or
/// format characters (bidi overrides, zero-width characters), nothing Windows forbids, at most 100 characters, the
/// extension set to the type the bytes showed. The name never decides the type; it can only contradict it.
/// </summary>
internal static class AttachmentFileName
{
    public const int MaxLength = 100;
    public const string Fallback = "anhang";

    /// <summary>Extensions that name a file type; one of them contradicting the bytes refuses the file. Others ("Befund 12.03") are part of the name.</summary>
    private static readonly FrozenDictionary<string, AttachmentType?> KnownExtensions = new Dictionary<string, AttachmentType?>(StringComparer.OrdinalIgnoreCase)
    {
        ["pdf"] = AttachmentType.Pdf,
        ["jpg"] = AttachmentType.Jpeg, ["jpeg"] = AttachmentType.Jpeg, ["jpe"] = AttachmentType.Jpeg, ["jfif"] = AttachmentType.Jpeg,
        ["png"] = AttachmentType.Png,
        ["gif"] = null, ["bmp"] = null, ["tif"] = null, ["tiff"] = null, ["webp"] = null, ["heic"] = null, ["heif"] = null,
        ["svg"] = null, ["ico"] = null, ["doc"] = null, ["docx"] = null, ["docm"] = null, ["xls"] = null, ["xlsx"] = null,
        ["xlsm"] = null, ["ppt"] = null, ["pptx"] = null, ["odt"] = null, ["ods"] = null, ["odp"] = null, ["rtf"] = null,
        ["txt"] = null, ["csv"] = null, ["xml"] = null, ["html"] = null, ["htm"] = null, ["xhtml"] = null, ["js"] = null,
        ["zip"] = null, ["rar"] = null, ["7z"] = null, ["gz"] = null, ["tar"] = null, ["exe"] = null, ["msi"] = null,
        ["bat"] = null, ["cmd"] = null, ["ps1"] = null, ["sh"] = null, ["jar"] = null, ["apk"] = null, ["dll"] = null,
        ["scr"] = null, ["lnk"] = null, ["iso"] = null, ["mp3"] = null, ["mp4"] = null, ["mov"] = null, ["avi"] = null,
        ["eml"] = null, ["msg"] = null,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> ReservedOnWindows = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    /// <summary>The cleaned name as the person gave it (extension untouched), for sentences that name the file.</summary>
    public static string Display(string? raw)
    {
        var cleaned = Clean(raw);
        return cleaned.Length == 0 ? Fallback : cleaned;
    }

    /// <summary>The extension of the given name if it names a file type: its label (upper case) and the type, if an accepted one.</summary>
    public static (string Label, AttachmentType? Type)? Claimed(string? raw)
    {
        var extension = Extension(Clean(raw));
        return extension is not null && KnownExtensions.TryGetValue(extension, out var type) ? (extension.ToUpperInvariant(), type) : null;
    }

    /// <summary>The name to store: cleaned, a file-type extension replaced by the real type's.</summary>
    public static string Safe(string? raw, AttachmentType type)
    {
        var cleaned = Clean(raw);
        var extension = Extension(cleaned);
        var stem = extension is not null && KnownExtensions.ContainsKey(extension) ? cleaned[..^(extension.Length + 1)] : cleaned;
        var suffix = ExtensionOf(type);
        // No leading dot: ".htaccess" would be hidden on the staff member's disk.
        stem = Truncate(stem.Trim(' ', '.'), MaxLength - suffix.Length);
        if (stem.Length == 0 || ReservedOnWindows.Contains(stem))
        {
            stem = Fallback;
        }
        return stem + suffix;
    }

    public static string ExtensionOf(AttachmentType type) => type switch
    {
        AttachmentType.Pdf => ".pdf",
        AttachmentType.Jpeg => ".jpg",
        AttachmentType.Png => ".png",
    };

    private static string? Extension(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot >= 0 && dot < name.Length - 1 ? name[(dot + 1)..] : null;
    }

    private static string Clean(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return "";
        }
        // The last path segment of either separator: browsers send "C:\fakepath\x.pdf", tools send "../../x.pdf".
        var last = raw[(raw.LastIndexOfAny(['/', '\\']) + 1)..];
        var builder = new StringBuilder(Math.Min(last.Length, 4 * MaxLength));
        var space = false;
        for (var i = 0; i < last.Length && builder.Length < 4 * MaxLength; i++)
        {
            var c = last[i];
            if (char.IsHighSurrogate(c) && i + 1 < last.Length && char.IsLowSurrogate(last[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(last, i);
                if (category is not (UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned))
                {
                    Append(builder, ref space, c);
                    builder.Append(last[i + 1]);
                }
                i++;
                continue;
            }
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                // Control characters, bidi overrides and isolates, zero-width characters, lone surrogates: dropped.
                case UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                    or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned:
                    continue;
                case UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    space = builder.Length > 0;
                    continue;
            }
            // What Windows refuses in a file name, and what quotes a Content-Disposition header.
            Append(builder, ref space, c is '<' or '>' or ':' or '"' or '|' or '?' or '*' or ';' ? '_' : c);
        }
        var cleaned = builder.ToString().Trim().TrimEnd('.').TrimEnd();
        if (!cleaned.IsNormalized(NormalizationForm.FormC))
        {
            cleaned = cleaned.Normalize(NormalizationForm.FormC);
        }
        // Keep the extension when the stem is cut: "sehr-langer-name….pdf" still says what it claims to be.
        var extension = Extension(cleaned);
        if (cleaned.Length > MaxLength && extension is not null && extension.Length <= 10)
        {
            return Truncate(cleaned[..^(extension.Length + 1)], MaxLength - extension.Length - 1).TrimEnd(' ', '.') + "." + extension;
        }
        return Truncate(cleaned, MaxLength);
    }

    private static void Append(StringBuilder builder, ref bool space, char c)
    {
        if (space)
        {
            builder.Append(' ');
            space = false;
        }
        builder.Append(c);
    }

    /// <summary>Cuts at <paramref name="max"/> UTF-16 units without splitting a surrogate pair.</summary>
    private static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }
        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..cut];
    }
}
