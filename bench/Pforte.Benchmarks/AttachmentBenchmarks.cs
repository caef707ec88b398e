using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Letters.Pdf;

namespace Pforte.Benchmarks;

/// <summary>
/// The attachment checks of a 10 MB upload (issue 13: the whole upload — check, encrypt, store — within 500 ms of
/// server time). Files as people send them: a scanned letter of 24 pages as a PDF (one JPEG picture per page, written
/// by PDFsharp), a phone photo with Exif/GPS and XMP, a screenshot-like PNG in 64 KB IDAT chunks; each just under 10 MB.
/// </summary>
[MemoryDiagnoser]
public class AttachmentBenchmarks
{
    private const int Target = (10 * 1024 * 1024) - (64 * 1024);

    private readonly AttachmentInspector _inspector = new(Options.Create(new AttachmentLimits()), new PdfSharpStructureCheck());
    private readonly AttachmentInspector _rawOnly = new(Options.Create(new AttachmentLimits()));
    private byte[] _pdf = [];
    private byte[] _jpeg = [];
    private byte[] _png = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(13);
        _jpeg = AttachmentFiles.Photo(Target, random);
        _png = AttachmentFiles.Screenshot(Target, random);
        _pdf = AttachmentFiles.ScannedLetter(24, Target, random);
        foreach (var (name, file) in new[] { ("scan.pdf", _pdf), ("foto.jpg", _jpeg), ("bild.png", _png) })
        {
            var result = _inspector.Inspect(name, file);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"{name} ({file.Length} bytes) refused: {result.Error}");
            }
            Console.WriteLine($"// {name}: {file.Length:N0} bytes in, {result.Value.Content.Length:N0} bytes out");
        }
    }

    [Benchmark]
    public int Pdf10MB() => _inspector.Inspect("scan.pdf", _pdf).Value.Content.Length;

    [Benchmark]
    public int Pdf10MBRawScanOnly() => _rawOnly.Inspect("scan.pdf", _pdf).Value.Content.Length;

    [Benchmark]
    public int Jpeg10MB() => _inspector.Inspect("foto.jpg", _jpeg).Value.Content.Length;

    [Benchmark]
    public int Png10MB() => _inspector.Inspect("bild.png", _png).Value.Content.Length;
}

/// <summary>Builds the benchmark's files (the tests' crafted files are tiny; these are about 10 MB each).</summary>
internal static class AttachmentFiles
{
    /// <summary>A 16×16 JPEG from cjpeg: its tables, frame and scan header are reused, the frame made 4000×3000.</summary>
    private static readonly byte[] SmallJpeg = Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAQABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDyrSfDv3fk/Suz0nw70+T9K7HSfDv3fk/Suz0nw7935P0rXHZ5vqLhXiP4dT//2Q==");

    /// <summary>
    /// A phone photo: Exif with GPS, 16 KB of XMP, then the picture — entropy-coded data of random bytes with every
    /// 0xFF stuffed as a real encoder writes it (about one marker-like byte in 256), up to <paramref name="size"/>.
    /// </summary>
    public static byte[] Photo(int size, Random random)
    {
        var sos = SmallJpeg.AsSpan().IndexOf(new byte[] { 0xFF, 0xDA });
        var scanHeader = 2 + BinaryPrimitives.ReadUInt16BigEndian(SmallJpeg.AsSpan(sos + 2));
        var head = SmallJpeg[..(sos + scanHeader)];
        var sof = head.AsSpan().IndexOf(new byte[] { 0xFF, 0xC0 });
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(sof + 5), 3000);
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(sof + 7), 4000);
        var exif = Segment(0xE1, [.. "Exif\0\0MM\0*\0\0\0\u0008\0\u0001\u0088\u0025\0\u0004\0\0\0\u0001\0\0\0\u001a\0\0\0\0"u8, .. new byte[64]]);
        var xmp = Segment(0xE1, [.. "http://ns.adobe.com/xap/1.0/\0"u8, .. new byte[16 * 1024]]);
        using var output = new MemoryStream(size + 16);
        output.Write(head.AsSpan(0, 2));
        output.Write(exif);
        output.Write(xmp);
        output.Write(head.AsSpan(2));
        var data = new byte[size - (int)output.Length - 2];
        random.NextBytes(data);
        for (var i = 0; i < data.Length - 1; i++)
        {
            if (data[i] == 0xFF)
            {
                data[++i] = 0x00;
            }
        }
        data[^1] = 0x00;
        output.Write(data);
        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }

    /// <summary>A PNG with a tEXt chunk and random (incompressible) IDAT data in 64 KB chunks.</summary>
    public static byte[] Screenshot(int size, Random random)
    {
        using var output = new MemoryStream(size + 64);
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, 1920);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 1800);
        header[8] = 8;
        header[9] = 2;
        Chunk(output, "IHDR", header);
        Chunk(output, "tEXt", "Software\0Screenshot Tool"u8.ToArray());
        var block = new byte[64 * 1024];
        while (output.Length + block.Length + 12 + 12 < size)
        {
            random.NextBytes(block);
            Chunk(output, "IDAT", block);
        }
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A scanned letter: <paramref name="pages"/> A4 pages, each one photo-sized JPEG picture and a frame drawn on it.</summary>
    public static byte[] ScannedLetter(int pages, int size, Random random)
    {
        using var document = new PdfDocument();
        var perPage = (size - (pages * 2048)) / pages;
        for (var i = 0; i < pages; i++)
        {
            var page = document.AddPage();
            using var gfx = XGraphics.FromPdfPage(page);
            using var picture = XImage.FromStream(new MemoryStream(Photo(perPage, random)));
            gfx.DrawImage(picture, 20, 20, page.Width.Point - 40, page.Height.Point - 40);
            gfx.DrawRectangle(XPens.Black, 10, 10, page.Width.Point - 20, page.Height.Point - 20);
        }
        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }

    private static byte[] Segment(byte marker, byte[] payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return segment;
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(typed, 0);
        data.CopyTo(typed, 4);
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc(typed));
        output.Write(word);
    }

    /// <summary>CRC-32 of PNG, one bit at a time (setup only).</summary>
    private static uint Crc(ReadOnlySpan<byte> data)
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
}
