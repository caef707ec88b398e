using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Pforte.Core.Tests.Mailbox;

/// <summary>
/// Files for the attachment tests, built in code: real ones (a JPEG and PNGs made by independent encoders — libjpeg's
/// cjpeg and Python's zlib — kept here as bytes; PDFs written by PDFsharp) and crafted ones written byte by byte.
/// </summary>
internal static class CraftedFiles
{
    /// <summary>16×16 baseline JPEG from cjpeg (libjpeg-turbo 2.1.5), JFIF APP0, no metadata.</summary>
    public static readonly byte[] Jpeg = Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAQABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDyrSfDv3fk/Suz0nw70+T9K7HSfDv3fk/Suz0nw7935P0rXHZ5vqLhXiP4dT//2Q==");

    /// <summary>32×24 progressive JPEG with restart markers from cjpeg: many scans, tables between them.</summary>
    public static readonly byte[] ProgressiveJpeg = Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAUDBAQEAwUEBAQFBQUGBwwIBwcHBw8LCwkMEQ8SEhEPERETFhwXExQaFRERGCEYGh0dHx8fExciJCIeJBweHx7/2wBDAQUFBQcGBw4ICA4eFBEUHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh7/wgARCAAYACADASIAAhEBAxEB/8QAGQABAQADAQAAAAAAAAAAAAAABQACBAYH/8QAFwEAAwEAAAAAAAAAAAAAAAAAAwUGAf/dAAQAAf/aAAwDAQACEAMQAAAB8xRXXCL/0OUSc3Mq/wD/0cl6VRP/0ulQpEP/xAAZEAACAwEAAAAAAAAAAAAAAAAAAwECBBL/2gAIAQEAAQUCWg//0F5z/9FeY//SXlP/01IP/9RWc//VqqKn/9aibSf/10IP/9CFcx//0U5j/9Kipk//xAAaEQACAwEBAAAAAAAAAAAAAAAAAQIDBAUR/9oACAEDAQE/AcfR8P/QwdFn/9HHdJyR/9LDdNn/xAAhEQABAgQHAAAAAAAAAAAAAAADAAIBBBIhERMUMTJhsf/aAAgBAgEBPwGWhnr/0DaUTqOTul//0Zc7xSTiN3t7gv/SK6IoDGy1S//EABkQAQEAAwEAAAAAAAAAAAAAAAAxAREiYf/aAAgBAQAGPwJ//9B//9GP/9KP/9N//9R//9Wby//Wf//Xf//Q9f/Rf//S5j//xAAbEAACAgMBAAAAAAAAAAAAAAAAARFhITFxUf/aAAgBAQABPyGg/9Cg/9EH/9IH/9Oo/9So/9VhHAf/1qvh/9fRg//QjYWWj//RxS0f/9JhCR6P/9oADAMBAAIAAwAAABBb/9DD/9F//9L3/8QAGBEBAQEBAQAAAAAAAAAAAAAAAQAhETH/2gAIAQMBAT8Qzbf/0Fg94X//0Shb/9LcXy//xAAdEQEAAgEFAQAAAAAAAAAAAAABESEAMUFRYXGB/9oACAECAQE/EKWf/9ASAhqDT1a+EpuZ/9FDYIB4kKO4a4c//9JKYSVKaip2LuL7z//EAB8QAAIBBAIDAAAAAAAAAAAAAAERACExQcFRcaGx0f/aAAgBAQABPxB6n//QetZ//9F60n//0nrSf//TetZ//9R61n//1Q59xMdmf//WV1Iuwrzef//XbH//0CL7UwtyZ//RAABAFSTif//S4h6ip+e5/9k=");

    /// <summary>8×8 RGB PNG written with Python's zlib (its own CRC-32): IHDR, IDAT, IEND.</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAl0lEQVR4nA3JMRUAIQgAUJIoQXhPcrBADDdN4aoh3DWDBaTJnX/9AB/gBV5gHWqBobATeASAL+ANvIL1UEsYGnYKHsMLwku8yDrVQkNpJ/JILwSv8BLrUosMlZ3Eo7zIeDOvbD3XkofmnbLH/KLhbbya9VZLG9p2ah7bi4l38prWZy1z6NxpepwvDt7D61g/tZyhZ6fj8fxT+VoBcnaBNgAAAABJRU5ErkJggg==");

    /// <summary>Latitude 52° 31' 12" N as an Exif RATIONAL triple: the bytes a GPS position leaves in a photo.</summary>
    public static readonly byte[] GpsLatitude = [0, 0, 0, 52, 0, 0, 0, 1, 0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0, 12, 0, 0, 0, 1];

    public static byte[] Concat(params ReadOnlySpan<byte[]> parts)
    {
        var output = new List<byte>();
        foreach (var part in parts)
        {
            output.AddRange(part);
        }
        return [.. output];
    }

    public static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    // ---- JPEG ----

    /// <summary>A JPEG segment: marker, big-endian length (including itself), payload.</summary>
    public static byte[] Segment(byte marker, byte[] payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return segment;
    }

    /// <summary>
    /// An Exif APP1 as a phone writes it (big-endian TIFF): IFD0 with Make, Orientation and a pointer to a GPS IFD with
    /// latitude N 52°31'12", longitude, and the camera's make "PforteCam".
    /// </summary>
    public static byte[] ExifWithGps(ushort orientation)
    {
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); }
        void U32(int v) { U16(v >> 16); U16(v & 0xFFFF); }
        tiff.AddRange("MM\0*"u8.ToArray());
        U32(8);
        // IFD0 at 8: 3 entries (2 + 36 + 4 = 42 bytes) → data from 50
        U16(3);
        U16(0x010F); U16(2); U32(10); U32(50 + 0);                // Make, ASCII, 10 bytes at 50
        U16(0x0112); U16(3); U32(1); U16(orientation); U16(0);    // Orientation
        U16(0x8825); U16(4); U32(1); U32(60);                     // GPS IFD pointer → 60
        U32(0);
        tiff.AddRange("PforteCam\0"u8.ToArray());                 // 50..59
        // GPS IFD at 60: 3 entries (2 + 36 + 4 = 42) → data from 102
        U16(3);
        U16(0x0001); U16(2); U32(2); tiff.AddRange("N\0\0\0"u8.ToArray()); // GPSLatitudeRef
        U16(0x0002); U16(5); U32(3); U32(102);                              // GPSLatitude → 102
        U16(0x0004); U16(5); U32(3); U32(126);                              // GPSLongitude → 126
        U32(0);
        tiff.AddRange(GpsLatitude);                                         // 102..125
        tiff.AddRange([0, 0, 0, 13, 0, 0, 0, 1, 0, 0, 0, 24, 0, 0, 0, 1, 0, 0, 0, 36, 0, 0, 0, 1]); // 126..149
        return Segment(0xE1, Concat("Exif\0\0"u8.ToArray(), [.. tiff]));
    }

    /// <summary><paramref name="jpeg"/> with <paramref name="segments"/> inserted right after SOI (where cameras write them).</summary>
    public static byte[] AfterSoi(byte[] jpeg, params byte[][] segments) =>
        Concat([jpeg[..2], .. segments, jpeg[2..]]);

    // ---- PNG ----

    /// <summary>A PNG chunk with a CRC computed bit by bit (independent of the slicing CRC under test).</summary>
    public static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Ascii(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), BitwiseCrc(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>The textbook CRC-32 of ISO 3309 / PNG, one bit at a time.</summary>
    public static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }

    /// <summary>The PNG's chunks as (type, whole chunk bytes), walked by length.</summary>
    public static List<(string Type, byte[] Bytes)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        for (var pos = 8; pos + 12 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            chunks.Add((Encoding.Latin1.GetString(png, pos + 4, 4), png[pos..(pos + 12 + length)]));
            pos += 12 + length;
        }
        return chunks;
    }

    /// <summary>The reference PNG with <paramref name="extra"/> chunks inserted after IHDR.</summary>
    public static byte[] PngWith(params byte[][] extra)
    {
        var chunks = Chunks(Png);
        return Concat([Png[..8], chunks[0].Bytes, .. extra, .. chunks.Skip(1).Select(c => c.Bytes)]);
    }

    // ---- PDF ----

    /// <summary>A one-page PDF written by PDFsharp (a rectangle, no fonts needed); <paramref name="change"/> may add to it first.</summary>
    public static byte[] PdfsharpPdf(Action<PdfDocument>? change = null, int pages = 1)
    {
        using var document = new PdfDocument();
        for (var i = 0; i < pages; i++)
        {
            var page = document.AddPage();
            using var gfx = XGraphics.FromPdfPage(page);
            gfx.DrawRectangle(XBrushes.SteelBlue, 40, 40 + i, 200, 100);
        }
        change?.Invoke(document);
        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }

    /// <summary>
    /// A PDF written by hand with a classic cross-reference table: object i+1 is <paramref name="objects"/>[i]
    /// (the text between "obj" and "endobj"); object 1 must be the catalog.
    /// </summary>
    public static byte[] ClassicPdf(params string[] objects)
    {
        var pdf = new StringBuilder("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }
        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    /// <summary>The three objects of an empty one-page document; the catalog's extra entries are given.</summary>
    public static string[] OnePage(string catalogExtra = "", string pageExtra = "") =>
    [
        $"<< /Type /Catalog /Pages 2 0 R {catalogExtra} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] {pageExtra} >>",
    ];

    /// <summary>
    /// A PDF 1.5 written by hand whose objects all sit in one Flate-compressed object stream (object n+1), indexed by a
    /// cross-reference stream (object n+2): what the raw bytes show is only "/Type /ObjStm" and compressed data.
    /// </summary>
    public static byte[] PackedPdf(params string[] objects) => PackedPdf(compress: true, objects);

    /// <inheritdoc cref="PackedPdf(string[])"/>
    public static byte[] PackedPdf(bool compress, params string[] objects)
    {
        var header = new StringBuilder();
        var body = new StringBuilder();
        for (var i = 0; i < objects.Length; i++)
        {
            header.Append($"{i + 1} {body.Length} ");
            body.Append(objects[i]).Append('\n');
        }
        var packed = Encoding.Latin1.GetBytes(header.ToString() + body);
        var first = Encoding.Latin1.GetByteCount(header.ToString());
        var compressed = packed;
        using (var buffer = new MemoryStream())
        {
            if (compress)
            {
                using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
                {
                    zlib.Write(packed);
                }
                compressed = buffer.ToArray();
            }
        }
        var objStm = objects.Length + 1;
        var xrefNumber = objects.Length + 2;
        var pdf = new MemoryStream();
        void Write(string text) => pdf.Write(Encoding.Latin1.GetBytes(text));
        Write("%PDF-1.5\n%\u00e2\u00e3\u00cf\u00d3\n");
        var objStmOffset = (int)pdf.Position;
        Write($"{objStm} 0 obj\n<< /Type /ObjStm /N {objects.Length} /First {first} {(compress ? "/Filter /FlateDecode " : "")}/Length {compressed.Length} >>\nstream\n");
        pdf.Write(compressed);
        Write("\nendstream\nendobj\n");
        var xrefOffset = (int)pdf.Position;
        // W [1 4 2]: type, field 2, field 3. Object 0 free; packed objects type 2 (stream number, index); the two streams type 1.
        var entries = new List<byte>();
        void Entry(byte type, int two, int three)
        {
            entries.Add(type);
            entries.AddRange([(byte)(two >> 24), (byte)(two >> 16), (byte)(two >> 8), (byte)two, (byte)(three >> 8), (byte)three]);
        }
        Entry(0, 0, 0xFFFF);
        for (var i = 0; i < objects.Length; i++)
        {
            Entry(2, objStm, i);
        }
        Entry(1, objStmOffset, 0);
        Entry(1, xrefOffset, 0);
        Write($"{xrefNumber} 0 obj\n<< /Type /XRef /Size {xrefNumber + 1} /W [1 4 2] /Root 1 0 R /Length {entries.Count} >>\nstream\n");
        pdf.Write([.. entries]);
        Write($"\nendstream\nendobj\nstartxref\n{xrefOffset}\n%%EOF\n");
        return pdf.ToArray();
    }

    /// <summary>A minimal ZIP (one stored file "a.txt"), as appended to polyglots.</summary>
    public static byte[] Zip()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("a.txt", CompressionLevel.NoCompression).Open();
            entry.Write("hidden"u8);
        }
        return buffer.ToArray();
    }
}
