namespace Pforte.Core.Mailbox.Attachments;

/// <summary>
/// The PDF names that mean active or hidden content (ADR 0020), shared by the raw scan and the parser check so both
/// refuse the same things. Names are compared after decoding <c>#xx</c> escapes (<c>/J#61vaScript</c> is
/// <c>/JavaScript</c>, ISO 32000-1 7.3.5).
/// </summary>
public static class PdfActiveContent
{
    /// <summary>
    /// Nesting of arrays and dictionaries accepted (real documents stay below 20); deeper is refused as damaged before
    /// a parser sees it, and the parser check's stack is sized to hold this depth.
    /// </summary>
    public const int MaxNesting = 10_000;

    [Flags]
    internal enum Found
    {
        None = 0,
        Encrypted = 1,
        JavaScript = 2,
        EmbeddedFile = 4,
        Launch = 8,
        RichMedia = 16,
        Xfa = 32,

        /// <summary>Not a name: nesting too deep to hand to a parser (<see cref="MaxNesting"/>).</summary>
        TooDeep = 64,
    }

    /// <summary>The finding a name stands for, given without the leading slash and already decoded.</summary>
    internal static Found Classify(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("JS"u8) => Found.JavaScript,
        3 when name.SequenceEqual("XFA"u8) => Found.Xfa,
        6 when name.SequenceEqual("Launch"u8) => Found.Launch,
        7 when name.SequenceEqual("Encrypt"u8) => Found.Encrypted,
        9 when name.SequenceEqual("RichMedia"u8) => Found.RichMedia,
        10 when name.SequenceEqual("JavaScript"u8) => Found.JavaScript,
        12 when name.SequenceEqual("EmbeddedFile"u8) => Found.EmbeddedFile,
        13 when name.SequenceEqual("EmbeddedFiles"u8) => Found.EmbeddedFile,
        14 when name.SequenceEqual("FileAttachment"u8) => Found.EmbeddedFile,
        _ => Found.None,
    };

    /// <summary>
    /// The finding for a name as a parser reports it (with or without the leading slash, escapes decoded or not);
    /// <see cref="PdfFinding.None"/> for harmless names.
    /// </summary>
    public static PdfFinding Classify(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> buffer = stackalloc byte[128];
        var bytes = name.AsSpan().TrimStart('/');
        if (bytes.Length > buffer.Length)
        {
            return PdfFinding.None;
        }
        var length = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '#' && i + 2 < bytes.Length && HexValue(bytes[i + 1]) is >= 0 and var high && HexValue(bytes[i + 2]) is >= 0 and var low)
            {
                buffer[length++] = (byte)((high << 4) | low);
                i += 2;
            }
            else
            {
                buffer[length++] = bytes[i] > 0xFF ? (byte)'?' : (byte)bytes[i];
            }
        }
        return First(Classify(buffer[..length]));
    }

    /// <summary>The one finding reported when several were found: encryption first (nothing else can be read reliably then).</summary>
    internal static PdfFinding First(Found found) =>
        (found & Found.Encrypted) != 0 ? PdfFinding.Encrypted
        : (found & Found.JavaScript) != 0 ? PdfFinding.JavaScript
        : (found & Found.EmbeddedFile) != 0 ? PdfFinding.EmbeddedFile
        : (found & Found.Launch) != 0 ? PdfFinding.Launch
        : (found & Found.RichMedia) != 0 ? PdfFinding.RichMedia
        : (found & Found.Xfa) != 0 ? PdfFinding.Xfa
        : PdfFinding.None;

    internal static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
