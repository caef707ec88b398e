using System.Buffers.Binary;
using System.IO.Compression;

namespace Pforte.Core.Mailbox.Attachments;

/// <summary>
/// Walks a PNG's chunks from the signature to IEND, checking each length and CRC (PNG spec, 3rd ed., 5.3), and writes
/// it again with only the chunks needed to show it (ADR 0020). Dropped: tEXt, zTXt, iTXt, eXIf, tIME and every other
/// ancillary chunk; an unknown critical chunk means the file cannot be shown, so it is refused as damaged.
/// </summary>
internal static class PngWalker
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Ihdr => "IHDR"u8;
    private static ReadOnlySpan<byte> Idat => "IDAT"u8;
    private static ReadOnlySpan<byte> Iend => "IEND"u8;
    private static ReadOnlySpan<byte> Iccp => "iCCP"u8;

    /// <summary>Chunks kept: the critical ones and those that change how the picture looks.</summary>
    private static bool Kept(ReadOnlySpan<byte> type) =>
        type.SequenceEqual(Ihdr) || type.SequenceEqual("PLTE"u8) || type.SequenceEqual(Idat) || type.SequenceEqual(Iend)
        || type.SequenceEqual("tRNS"u8) || type.SequenceEqual("gAMA"u8) || type.SequenceEqual("cHRM"u8)
        || type.SequenceEqual("sRGB"u8) || type.SequenceEqual(Iccp) || type.SequenceEqual("pHYs"u8)
        || type.SequenceEqual("bKGD"u8) || type.SequenceEqual("sBIT"u8);

    public static ImageOutcome Strip(ReadOnlySpan<byte> s, out byte[] output)
    {
        output = [];
        if (!s.StartsWith(Signature))
        {
            return ImageOutcome.Damaged;
        }
        var kept = new List<(int Start, int Length)> { (0, Signature.Length) };
        var keptBytes = Signature.Length;
        var pos = Signature.Length;
        bool header = false, data = false;
        while (true)
        {
            if (pos + 12 > s.Length)
            {
                return ImageOutcome.Damaged; // truncated: no IEND
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(s[pos..]);
            if (length > int.MaxValue || length > (uint)(s.Length - pos - 12))
            {
                return ImageOutcome.Damaged;
            }
            var type = s.Slice(pos + 4, 4);
            var chunk = 12 + (int)length;
            if (!IsChunkType(type) || Crc32.Compute(s.Slice(pos + 4, 4 + (int)length)) != BinaryPrimitives.ReadUInt32BigEndian(s[(pos + 8 + (int)length)..]))
            {
                return ImageOutcome.Damaged;
            }
            if (!header)
            {
                if (!type.SequenceEqual(Ihdr) || length != 13)
                {
                    return ImageOutcome.Damaged;
                }
                header = true;
            }
            else if (type.SequenceEqual(Ihdr))
            {
                return ImageOutcome.Damaged;
            }
            data |= type.SequenceEqual(Idat);
            var keep = Kept(type);
            if (keep && type.SequenceEqual(Iccp) && !IccProfileClean(s.Slice(pos + 8, (int)length)))
            {
                keep = false; // a profile carrying a second file's markers is dropped; the picture shows without it
            }
            else if (!keep && char.IsAsciiLetterUpper((char)type[0]))
            {
                return ImageOutcome.Damaged; // unknown critical chunk
            }
            if (keep)
            {
                kept.Add((pos, chunk));
                keptBytes += chunk;
            }
            pos += chunk;
            if (type.SequenceEqual(Iend))
            {
                if (length != 0 || !data)
                {
                    return ImageOutcome.Damaged;
                }
                break;
            }
        }
        if (!ForeignContent.IsPadding(s[pos..]))
        {
            return ImageOutcome.HiddenData;
        }
        output = new byte[keptBytes];
        var at = 0;
        foreach (var (start, length) in kept)
        {
            s.Slice(start, length).CopyTo(output.AsSpan(at));
            at += length;
        }
        return ImageOutcome.Clean;
    }

    private static bool IsChunkType(ReadOnlySpan<byte> type) =>
        char.IsAsciiLetter((char)type[0]) && char.IsAsciiLetter((char)type[1]) && char.IsAsciiLetter((char)type[2]) && char.IsAsciiLetter((char)type[3]);

    /// <summary>iCCP: name, NUL, method 0, zlib data. Inflated (at most 4 MB) and searched for another format's markers.</summary>
    private static bool IccProfileClean(ReadOnlySpan<byte> data)
    {
        var nul = data.IndexOf((byte)0);
        if (nul is < 1 or > 79 || nul + 2 > data.Length || data[nul + 1] != 0)
        {
            return false;
        }
        try
        {
            using var input = new MemoryStream(data[(nul + 2)..].ToArray(), writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            var profile = new byte[4 * 1024 * 1024];
            var read = zlib.ReadAtLeast(profile, profile.Length, throwOnEndOfStream: false);
            return read < profile.Length && !ForeignContent.Contains(profile.AsSpan(0, read));
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}

/// <summary>CRC-32 (ISO 3309, as PNG uses it), slicing by 8.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = Build();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var table = Table;
        var crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            var one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = table[(7 * 256) + (one & 0xFF)] ^ table[(6 * 256) + ((one >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((one >> 16) & 0xFF)] ^ table[(4 * 256) + (one >> 24)]
                ^ table[(3 * 256) + (two & 0xFF)] ^ table[(2 * 256) + ((two >> 8) & 0xFF)]
                ^ table[256 + ((two >> 16) & 0xFF)] ^ table[two >> 24];
            data = data[8..];
        }
        foreach (var b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] Build()
    {
        var table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        for (var n = 0; n < 256; n++)
        {
            for (var slice = 1; slice < 8; slice++)
            {
                var previous = table[((slice - 1) * 256) + n];
                table[(slice * 256) + n] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }
        return table;
    }
}
