using System.Buffers.Binary;

namespace Pforte.Core.Mailbox.Attachments;

/// <summary>
/// Walks a JPEG's segments from SOI through every scan to EOI (ITU T.81 B.1) and writes it again without metadata
/// (ADR 0020): kept are the segments needed to decode and show it — tables, frame, scans, JFIF (without thumbnail),
/// ICC profile, Adobe (colour transform) — and the Exif orientation, rewritten as a minimal Exif segment of its own so
/// that photos stay upright. Dropped: Exif (GPS, camera, time), XMP, IPTC/Photoshop, comments, all other APPn.
/// </summary>
internal static class JpegWalker
{
    private readonly record struct Piece(int Start, int Length, byte[]? Synthetic = null);

    public static ImageOutcome Strip(ReadOnlySpan<byte> s, out byte[] output)
    {
        output = [];
        if (s.Length < 4 || s[0] != 0xFF || s[1] != 0xD8)
        {
            return ImageOutcome.Damaged;
        }
        var pieces = new List<Piece> { new(0, 2) };
        var pos = 2;
        bool frame = false, scan = false;
        while (true)
        {
            if (pos >= s.Length || s[pos] != 0xFF)
            {
                return ImageOutcome.Damaged;
            }
            while (pos < s.Length && s[pos] == 0xFF)
            {
                pos++; // fill bytes before a marker (B.1.1.2)
            }
            if (pos >= s.Length)
            {
                return ImageOutcome.Damaged;
            }
            var marker = s[pos++];
            if (marker == 0xD9)
            {
                if (!frame || !scan)
                {
                    return ImageOutcome.Damaged;
                }
                pieces.Add(new(pos - 2, 2));
                break;
            }
            if (marker is 0x00 or 0xD8)
            {
                return ImageOutcome.Damaged;
            }
            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                continue; // markers without a segment; outside a scan they carry nothing
            }
            if (pos + 2 > s.Length)
            {
                return ImageOutcome.Damaged;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(s[pos..]);
            if (length < 2 || pos + length > s.Length)
            {
                return ImageOutcome.Damaged;
            }
            var segment = new Piece(pos - 2, length + 2);
            var payload = s.Slice(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case 0xE0: // APP0: JFIF kept without its thumbnail; JFXX (thumbnails only) dropped
                    if (payload.Length >= 14 && payload.StartsWith("JFIF\0"u8))
                    {
                        var jfif = new byte[18];
                        jfif[0] = 0xFF;
                        jfif[1] = 0xE0;
                        jfif[3] = 16;
                        payload[..12].CopyTo(jfif.AsSpan(4));
                        pieces.Add(new(0, jfif.Length, jfif));
                    }
                    break;
                case 0xE1: // APP1: Exif and XMP. Only the orientation survives.
                    if (ExifOrientation(payload) is int orientation and > 1 and <= 8)
                    {
                        var exif = OrientationSegment(orientation);
                        pieces.Add(new(0, exif.Length, exif));
                    }
                    break;
                case 0xE2: // APP2: the ICC profile is needed for colours; MPF and FlashPix are not.
                    if (payload.StartsWith("ICC_PROFILE\0"u8) && !ForeignContent.Contains(payload))
                    {
                        pieces.Add(segment);
                    }
                    break;
                case 0xEE: // APP14 Adobe: says whether CMYK/YCCK data is colour-transformed; 12 bytes without personal data.
                    if (payload.StartsWith("Adobe"u8) && payload.Length <= 12)
                    {
                        pieces.Add(segment);
                    }
                    break;
                case >= 0xE3 and <= 0xEF or 0xFE: // other APPn (IPTC/Photoshop, maker data …) and comments
                    break;
                case 0xDA: // SOS: the header, then entropy-coded data up to the next real marker
                    if (!frame)
                    {
                        return ImageOutcome.Damaged;
                    }
                    var end = ScanEnd(s, pos);
                    if (end < 0)
                    {
                        return ImageOutcome.Damaged;
                    }
                    pieces.Add(new(segment.Start, end - segment.Start));
                    pos = end;
                    scan = true;
                    break;
                case >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC: // SOFn
                    if (frame || payload.Length < 6)
                    {
                        return ImageOutcome.Damaged;
                    }
                    frame = true;
                    pieces.Add(segment);
                    break;
                default: // DQT, DHT, DRI, DAC, DNL, EXP …: needed to decode
                    pieces.Add(segment);
                    break;
            }
        }
        var trailing = s[pos..];
        // Another JPEG right after EOI is a secondary image of the same photo (MPF: gain map, preview; phones write
        // them). It is dropped with the MPF segment that points to it. Anything else there is a second file.
        if (!ForeignContent.IsPadding(trailing) && !(trailing.Length > 3 && trailing[0] == 0xFF && trailing[1] == 0xD8 && trailing[2] == 0xFF))
        {
            return ImageOutcome.HiddenData;
        }
        output = Assemble(s, pieces);
        return ImageOutcome.Clean;
    }

    /// <summary>The index of the marker that ends the entropy-coded data starting at <paramref name="pos"/>, or -1.</summary>
    private static int ScanEnd(ReadOnlySpan<byte> s, int pos)
    {
        while (true)
        {
            var next = s[pos..].IndexOf((byte)0xFF);
            if (next < 0)
            {
                return -1;
            }
            var at = pos + next;
            if (at + 1 >= s.Length)
            {
                return -1;
            }
            var following = s[at + 1];
            if (following == 0x00 || following is >= 0xD0 and <= 0xD7)
            {
                pos = at + 2; // stuffed 0xFF, restart marker
                continue;
            }
            if (following == 0xFF)
            {
                pos = at + 1; // fill byte: the marker follows
                continue;
            }
            return at;
        }
    }

    private static byte[] Assemble(ReadOnlySpan<byte> s, List<Piece> pieces)
    {
        var total = 0;
        foreach (var piece in pieces)
        {
            total += piece.Length;
        }
        var output = new byte[total];
        var at = 0;
        foreach (var piece in pieces)
        {
            (piece.Synthetic ?? s.Slice(piece.Start, piece.Length)).CopyTo(output.AsSpan(at));
            at += piece.Length;
        }
        return output;
    }

    /// <summary>Tag 0x0112 of IFD0 in an Exif APP1 payload ("Exif\0\0" + TIFF), or null; every offset bounds-checked.</summary>
    internal static int? ExifOrientation(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 6 + 8 || !payload.StartsWith("Exif\0\0"u8))
        {
            return null;
        }
        var tiff = payload[6..];
        bool little;
        if (tiff.StartsWith("II*\0"u8))
        {
            little = true;
        }
        else if (tiff.StartsWith("MM\0*"u8))
        {
            little = false;
        }
        else
        {
            return null;
        }
        var ifd = U32(tiff[4..], little);
        if (ifd < 8 || ifd > (uint)tiff.Length - 2)
        {
            return null;
        }
        var count = U16(tiff[(int)ifd..], little);
        for (var i = 0; i < count; i++)
        {
            var entry = (int)ifd + 2 + (12 * i);
            if (entry + 12 > tiff.Length)
            {
                return null;
            }
            if (U16(tiff[entry..], little) == 0x0112 && U16(tiff[(entry + 2)..], little) == 3)
            {
                return U16(tiff[(entry + 8)..], little);
            }
        }
        return null;
    }

    /// <summary>APP1 "Exif\0\0", big-endian TIFF, IFD0 with one entry: Orientation (SHORT, 1 value); no next IFD.</summary>
    internal static byte[] OrientationSegment(int orientation)
    {
        byte[] segment =
        [
            0xFF, 0xE1, 0x00, 0x22, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
            0x00, 0x01,
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        return segment;
    }

    private static ushort U16(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);

    private static uint U32(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
}
