namespace Pforte.Core.Mailbox.Attachments;

/// <summary>What walking an image found.</summary>
internal enum ImageOutcome
{
    Clean,
    Damaged,
    HiddenData,
}

/// <summary>Byte patterns of other formats (ADR 0020): where a browser or a PDF reader would find a second file.</summary>
internal static class ForeignContent
{
    private static ReadOnlySpan<byte> Pdf => "%PDF"u8;
    private static ReadOnlySpan<byte> ZipLocalHeader => "PK\u0003\u0004"u8;

    /// <summary>True when <paramref name="data"/> holds the start of a PDF, a ZIP entry, or HTML/SVG/script markup.</summary>
    public static bool Contains(ReadOnlySpan<byte> data)
    {
        if (data.IndexOf(Pdf) >= 0 || data.IndexOf(ZipLocalHeader) >= 0)
        {
            return true;
        }
        for (var i = data.IndexOf((byte)'<'); i >= 0;)
        {
            var rest = data[(i + 1)..];
            if (StartsWithIgnoreCase(rest, "script"u8) || StartsWithIgnoreCase(rest, "html"u8) || StartsWithIgnoreCase(rest, "svg"u8)
                || StartsWithIgnoreCase(rest, "iframe"u8) || StartsWithIgnoreCase(rest, "!doctype"u8))
            {
                return true;
            }
            var next = rest.IndexOf((byte)'<');
            i = next < 0 ? -1 : i + 1 + next;
        }
        return false;
    }

    /// <summary>Trailing bytes a writer may leave after the end marker: zeros, 0xFF fill, line ends.</summary>
    public static bool IsPadding(ReadOnlySpan<byte> trailing) =>
        trailing.IndexOfAnyExcept([(byte)0x00, (byte)0xFF, (byte)'\r', (byte)'\n']) < 0;

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> data, ReadOnlySpan<byte> lowerCase) =>
        data.Length >= lowerCase.Length && System.Text.Ascii.EqualsIgnoreCase(data[..lowerCase.Length], lowerCase);
}
