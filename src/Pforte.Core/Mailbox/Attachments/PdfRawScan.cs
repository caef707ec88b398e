using System.Buffers;
using System.IO.Compression;

namespace Pforte.Core.Mailbox.Attachments;

/// <summary>
/// The first of the two PDF checks (ADR 0020): a scan of the bytes that does not trust the file's own cross-reference
/// table. It sees objects a viewer may recover that the table hides, names written with <c>#xx</c> escapes, and the
/// objects packed into compressed object streams (inflated here, at most 64 MB in all). Stream data other than object
/// streams is skipped: pictures and fonts are not objects, and random bytes there would match short names like /JS.
/// </summary>
internal static class PdfRawScan
{
    /// <summary>The most bytes inflated from object streams per file; more is a decompression bomb, not a document.</summary>
    internal const int MaxInflated = 64 * 1024 * 1024;

    private static readonly SearchValues<byte> Delimiters = SearchValues.Create("\0\t\n\f\r ()<>[]{}/%"u8);
    private static readonly SearchValues<byte> Brackets = SearchValues.Create("[]<>"u8);

    public static PdfFinding Scan(byte[] pdf, out bool hiddenData)
    {
        hiddenData = false;
        var s = pdf.AsSpan();
        // Version header at offset 0 (the spec allows it within the first 1024 bytes; we do not: what comes before
        // it would be a second format).
        if (s.Length < 32 || !s.StartsWith("%PDF-"u8) || s[5] is not ((byte)'1' or (byte)'2') || s[6] != '.' || !char.IsAsciiDigit((char)s[7]))
        {
            return PdfFinding.Damaged;
        }
        var tail = Math.Max(0, s.Length - 1024);
        var eof = s[tail..].LastIndexOf("%%EOF"u8);
        if (eof < 0 || s[tail..(tail + eof)].IndexOf("startxref"u8) < 0)
        {
            return PdfFinding.Damaged; // truncated
        }
        // After the last %%EOF only line ends; a ZIP's end-of-central-directory record sits in the last 64 KB of a
        // PDF/ZIP polyglot.
        if (s[(tail + eof + 5)..].IndexOfAnyExcept("\r\n\t \0"u8) >= 0 || s[Math.Max(0, s.Length - 65_557)..].IndexOf("PK\u0005\u0006"u8) >= 0)
        {
            hiddenData = true;
            return PdfFinding.None;
        }

        // Over every byte, stream data included: the parser reads objects wherever the cross-reference points, and
        // random bytes stay far below the limit (a 10 MB compressed stream reaches a depth of a few hundred).
        if (TooDeep(s))
        {
            return PdfFinding.Damaged;
        }
        var found = PdfActiveContent.Found.None;
        var objectStreams = new List<(int Start, int Length)>();
        var pos = 0;
        while (pos < s.Length)
        {
            var keyword = NextStreamKeyword(s, pos, out var dataStart);
            if (keyword < 0)
            {
                found |= Names(s[pos..]);
                break;
            }
            var before = s[pos..keyword];
            found |= Names(before);
            var objectStart = before.LastIndexOf(" obj"u8);
            var kind = StreamKind(objectStart < 0 ? before : before[objectStart..]);
            var end = s[dataStart..].IndexOf("endstream"u8);
            if (end < 0)
            {
                return PdfFinding.Damaged;
            }
            if (kind == ObjectStream.Unreadable)
            {
                return PdfFinding.Damaged; // packed with a filter we do not inflate: the objects inside cannot be checked
            }
            if (kind == ObjectStream.Flate)
            {
                objectStreams.Add((dataStart, end));
            }
            else if (kind == ObjectStream.Plain)
            {
                found |= Names(s.Slice(dataStart, end)); // an object stream without a filter: its objects in clear
            }
            pos = dataStart + end + "endstream"u8.Length;
        }
        if ((found & PdfActiveContent.Found.Encrypted) != 0)
        {
            return PdfFinding.Encrypted; // object streams are encrypted too; inflating them would only fail
        }
        var inflated = Inflated(pdf, objectStreams, ref found);
        return inflated && (found & PdfActiveContent.Found.TooDeep) == 0 ? PdfActiveContent.First(found) : PdfFinding.Damaged;
    }

    /// <summary>The index of the next <c>stream</c> keyword (after a dictionary's <c>&gt;&gt;</c>, before an end of line) at or after <paramref name="from"/>.</summary>
    private static int NextStreamKeyword(ReadOnlySpan<byte> s, int from, out int dataStart)
    {
        dataStart = -1;
        while (from < s.Length)
        {
            var at = s[from..].IndexOf("stream"u8);
            if (at < 0)
            {
                return -1;
            }
            var k = from + at;
            from = k + 6;
            if (k >= 3 && s.Slice(k - 3, 3).SequenceEqual("end"u8))
            {
                continue;
            }
            var previous = s[..k].TrimEnd("\r\n\t \0"u8);
            if (previous.Length == 0 || previous[^1] != '>' || from >= s.Length)
            {
                continue;
            }
            if (s[from] == '\n')
            {
                dataStart = from + 1;
            }
            else if (s[from] == '\r')
            {
                dataStart = from + 1 < s.Length && s[from + 1] == '\n' ? from + 2 : from + 1;
            }
            else
            {
                continue;
            }
            return k;
        }
        return -1;
    }

    private enum ObjectStream
    {
        No,
        Plain,
        Flate,
        Unreadable,
    }

    /// <summary>Whether a stream's dictionary makes it an object stream (/Type /ObjStm), and whether we can inflate it.</summary>
    private static ObjectStream StreamKind(ReadOnlySpan<byte> dictionary)
    {
        bool objStm = false, flate = false, other = false;
        var names = new NameReader(dictionary, stackalloc byte[NameReader.BufferSize]);
        while (names.Next(out var name))
        {
            if (name.SequenceEqual("ObjStm"u8))
            {
                objStm = true;
            }
            else if (name.SequenceEqual("FlateDecode"u8) || name.SequenceEqual("Fl"u8))
            {
                flate = true;
            }
            // Other filters, a predictor (DecodeParms) or a chain would let a name be split or encoded past this scan.
            else if (name.EndsWith("Decode"u8) || name.SequenceEqual("DecodeParms"u8) || name.SequenceEqual("DP"u8)
                || name.SequenceEqual("AHx"u8) || name.SequenceEqual("A85"u8) || name.SequenceEqual("LZW"u8)
                || name.SequenceEqual("RL"u8) || name.SequenceEqual("Crypt"u8) || name.SequenceEqual("F"u8))
            {
                other = true;
            }
        }
        return !objStm ? ObjectStream.No : other ? ObjectStream.Unreadable : flate ? ObjectStream.Flate : ObjectStream.Plain;
    }

    private static bool Inflated(byte[] pdf, List<(int Start, int Length)> streams, ref PdfActiveContent.Found found)
    {
        if (streams.Count == 0)
        {
            return true;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            var total = 0L;
            foreach (var (start, length) in streams)
            {
                using var input = new MemoryStream(pdf, start, length, writable: false);
                using var zlib = new ZLibStream(input, CompressionMode.Decompress);
                var filled = 0;
                while (true)
                {
                    if (filled == buffer.Length)
                    {
                        if (buffer.Length >= MaxInflated)
                        {
                            return false;
                        }
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan().CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    var read = zlib.Read(buffer, filled, buffer.Length - filled);
                    if (read == 0)
                    {
                        break;
                    }
                    filled += read;
                    total += read;
                    if (total > MaxInflated)
                    {
                        return false;
                    }
                }
                found |= TooDeep(buffer.AsSpan(0, filled)) ? PdfActiveContent.Found.TooDeep : Names(buffer.AsSpan(0, filled));
            }
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static PdfActiveContent.Found Names(ReadOnlySpan<byte> text)
    {
        var found = PdfActiveContent.Found.None;
        var names = new NameReader(text, stackalloc byte[NameReader.BufferSize]);
        while (names.Next(out var name))
        {
            found |= PdfActiveContent.Classify(name);
        }
        return found;
    }

    /// <summary>
    /// Arrays and dictionaries nested deeper than <see cref="PdfActiveContent.MaxNesting"/>. PDFsharp parses nesting by recursion: at
    /// 200,000 levels it overflows the stack, a crash of the whole host that no catch can stop (found in testing). The
    /// parser check runs on a thread with a stack sized for this limit (<c>PdfSharpStructureCheck</c>).
    /// </summary>
    private static bool TooDeep(ReadOnlySpan<byte> text)
    {
        var depth = 0;
        for (var i = text.IndexOfAny(Brackets); i >= 0;)
        {
            var c = text[i];
            if (c == '[' || (c == '<' && i + 1 < text.Length && text[i + 1] == '<'))
            {
                if (++depth > PdfActiveContent.MaxNesting)
                {
                    return true;
                }
            }
            else if ((c == ']' || (c == '>' && i + 1 < text.Length && text[i + 1] == '>')) && depth > 0)
            {
                depth--;
            }
            var step = c is (byte)'<' or (byte)'>' && i + 1 < text.Length && text[i + 1] == c ? 2 : 1;
            var next = i + step < text.Length ? text[(i + step)..].IndexOfAny(Brackets) : -1;
            i = next < 0 ? -1 : i + step + next;
        }
        return false;
    }

    /// <summary>Reads PDF names (<c>/Name</c>) from raw bytes, decoding <c>#xx</c> escapes.</summary>
    private ref struct NameReader(ReadOnlySpan<byte> text, Span<byte> buffer)
    {
        /// <summary>Longer raw names cannot decode to any name we look for (14 characters, at most 3 raw bytes each).</summary>
        public const int BufferSize = 64;

        private ReadOnlySpan<byte> _rest = text;
        private readonly Span<byte> _buffer = buffer;

        public bool Next(out ReadOnlySpan<byte> name)
        {
            while (true)
            {
                var slash = _rest.IndexOf((byte)'/');
                if (slash < 0)
                {
                    name = default;
                    return false;
                }
                _rest = _rest[(slash + 1)..];
                var end = _rest.IndexOfAny(Delimiters);
                var raw = end < 0 ? _rest : _rest[..end];
                _rest = _rest[raw.Length..];
                if (raw.Length == 0 || raw.Length > _buffer.Length)
                {
                    continue;
                }
                var length = 0;
                for (var i = 0; i < raw.Length; i++)
                {
                    if (raw[i] == '#' && i + 2 < raw.Length && PdfActiveContent.HexValue(raw[i + 1]) is >= 0 and var high
                        && PdfActiveContent.HexValue(raw[i + 2]) is >= 0 and var low)
                    {
                        _buffer[length++] = (byte)((high << 4) | low);
                        i += 2;
                    }
                    else
                    {
                        _buffer[length++] = raw[i];
                    }
                }
                name = _buffer[..length];
                return true;
            }
        }
    }
}
