using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PdfSharp.Pdf;
using Pforte.Core.Common;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Letters.Pdf;
using static Pforte.Core.Tests.Mailbox.CraftedFiles;

namespace Pforte.Core.Tests.Mailbox;

/// <summary>The attachment inspector (issue 13, ADR 0020) against real and crafted files.</summary>
public sealed class AttachmentInspectorTests
{
    private static readonly AttachmentInspector Inspector = new(Options.Create(new AttachmentLimits()), new PdfSharpStructureCheck());

    /// <summary>The raw scan alone: shows that it, not only the parser, catches what it should.</summary>
    private static readonly AttachmentInspector RawOnly = new(Options.Create(new AttachmentLimits()));

    private static readonly PdfSharpStructureCheck Parser = new();

    private static Error Refused(Result<CheckedAttachment> result, string code)
    {
        Assert.False(result.IsSuccess, "the file was accepted");
        Assert.Equal(code, result.Error.Code);
        return result.Error;
    }

    private static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    // ---- accepted ----

    [Fact]
    public void A_pdf_written_by_pdfsharp_is_accepted_unchanged()
    {
        var pdf = PdfsharpPdf(pages: 3);
        var result = Inspector.Inspect("Befund.pdf", pdf);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(AttachmentType.Pdf, result.Value.Type);
        Assert.Equal("application/pdf", result.Value.ContentType);
        Assert.Equal("Befund.pdf", result.Value.FileName);
        Assert.Equal(pdf, result.Value.Content);
    }

    [Theory]
    [InlineData("foto.jpg")]
    [InlineData("foto.JPEG")]
    [InlineData(null)]
    public void A_real_jpeg_is_accepted_and_still_a_jpeg(string? name)
    {
        var result = Inspector.Inspect(name, Jpeg);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(AttachmentType.Jpeg, result.Value.Type);
        Assert.Equal("image/jpeg", result.Value.ContentType);
        Assert.EndsWith(".jpg", result.Value.FileName);
        Assert.Equal(Jpeg, result.Value.Content); // nothing to strip: byte for byte the same
    }

    [Fact]
    public void A_progressive_jpeg_with_restart_markers_is_walked_through_all_scans()
    {
        var result = Inspector.Inspect("scan.jpg", ProgressiveJpeg);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(ProgressiveJpeg, result.Value.Content);
    }

    [Fact]
    public void A_real_png_is_accepted_unchanged()
    {
        var result = Inspector.Inspect("bild.png", Png);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(AttachmentType.Png, result.Value.Type);
        Assert.Equal("image/png", result.Value.ContentType);
        Assert.Equal(Png, result.Value.Content);
    }

    [Fact]
    public void The_slicing_crc_agrees_with_the_bitwise_one_and_with_zlib()
    {
        foreach (var (_, bytes) in Chunks(Png))
        {
            var data = bytes.AsSpan(4, bytes.Length - 8);
            Assert.Equal(BitwiseCrc(data), Crc32.Compute(data));
        }
        var random = new byte[1000];
        new Random(7).NextBytes(random);
        for (var length = 0; length < random.Length; length += 37)
        {
            Assert.Equal(BitwiseCrc(random.AsSpan(0, length)), Crc32.Compute(random.AsSpan(0, length)));
        }
    }

    // ---- metadata stripped ----

    [Fact]
    public void Exif_with_gps_xmp_and_comments_are_stripped_from_a_jpeg_and_only_the_orientation_is_kept()
    {
        var xmp = Segment(0xE1, Ascii("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>52,31.2N</exif:GPSLatitude></x:xmpmeta>"));
        var comment = Segment(0xFE, Ascii("Aufgenommen bei Familie Muster, Hauptstr. 1"));
        var iptc = Segment(0xED, Ascii("Photoshop 3.0\08BIM Muster"));
        var photo = AfterSoi(Jpeg, ExifWithGps(orientation: 6), xmp, comment, iptc);

        var result = Inspector.Inspect("IMG_0001.JPG", photo);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        var output = result.Value.Content;
        Assert.False(Contains(output, GpsLatitude), "GPS latitude left in the picture");
        Assert.False(Contains(output, "PforteCam"u8), "camera make left");
        Assert.False(Contains(output, "GPS"u8));
        Assert.False(Contains(output, "xmpmeta"u8));
        Assert.False(Contains(output, "Muster"u8));
        Assert.False(Contains(output, [0x88, 0x25]), "GPS IFD pointer left");
        // Orientation 6 survives as the only Exif content, so the photo stays upright.
        var orientation = JpegWalker.OrientationSegment(6);
        Assert.True(Contains(output, orientation));
        Assert.Equal(Jpeg.Length + orientation.Length, output.Length);
        // The output is a JPEG the walker accepts again, unchanged, and PDFsharp's JPEG reader takes it.
        Assert.True(JpegWalker.Strip(output, out var again) == ImageOutcome.Clean && again.SequenceEqual(output));
        Assert.Equal(16, ImageWidth(output));
    }

    [Fact]
    public void A_jpeg_with_gps_and_no_orientation_keeps_no_exif_at_all()
    {
        var result = Inspector.Inspect("a.jpg", AfterSoi(Jpeg, ExifWithGps(orientation: 1)));
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.False(Contains(result.Value.Content, "Exif"u8));
        Assert.Equal(Jpeg, result.Value.Content);
    }

    [Fact]
    public void A_jpeg_comment_holding_a_pdf_or_script_is_stripped_and_the_picture_accepted()
    {
        // Decision (ADR 0020): markup in metadata is harmless once the metadata is gone, so it is stripped, not refused.
        var comment = Segment(0xFE, Ascii("%PDF-1.4 <script>alert(1)</script>"));
        var result = Inspector.Inspect("a.jpg", AfterSoi(Jpeg, comment));
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(Jpeg, result.Value.Content);
    }

    [Fact]
    public void Text_time_and_exif_chunks_are_stripped_from_a_png_and_every_crc_still_holds()
    {
        var png = PngWith(
            Chunk("tEXt", Ascii("Comment\0Familie Muster, GPS 52.52 13.40")),
            Chunk("zTXt", [.. Ascii("Author\0"), 0, .. Zlib("Erika Muster")]),
            Chunk("iTXt", Ascii("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>GPSLatitude</x:xmpmeta>")),
            Chunk("eXIf", ExifWithGps(6)[4..]),
            Chunk("tIME", [0x07, 0xEA, 12, 5, 16, 30, 0]),
            Chunk("pHYs", [0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]),
            Chunk("tEXt", Ascii("Comment\0<html><script>alert(1)</script>")));

        var result = Inspector.Inspect("bild.png", png);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        var output = result.Value.Content;
        Assert.Equal(["IHDR", "pHYs", "IDAT", "IEND"], Chunks(output).Select(c => c.Type));
        foreach (var (_, bytes) in Chunks(output))
        {
            Assert.Equal(BitwiseCrc(bytes.AsSpan(4, bytes.Length - 8)), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(bytes.Length - 4)));
        }
        Assert.False(Contains(output, "Muster"u8));
        Assert.False(Contains(output, "GPS"u8));
        Assert.False(Contains(output, "script"u8));
        Assert.Equal(8, ImageWidth(output));
    }

    // ---- type from the bytes ----

    [Theory]
    [InlineData("foto.png", "PNG", "JPEG")]
    [InlineData("brief.pdf", "PDF", "JPEG")]
    [InlineData("bild.docx", "DOCX", "JPEG")]
    public void A_jpeg_named_otherwise_is_refused_as_a_mismatch(string name, string claimed, string real)
    {
        var error = Refused(Inspector.Inspect(name, Jpeg), ErrorCodes.AttachmentTypeMismatch);
        Assert.Equal($"Die Datei „{name}“ ist kein {claimed}, obwohl sie so heißt: Ihr Inhalt ist ein {real}. Bitte wählen Sie die richtige Datei oder geben Sie ihr die passende Endung.", error.Message);
    }

    [Fact]
    public void A_pdf_named_jpg_and_a_png_named_pdf_are_refused()
    {
        Refused(Inspector.Inspect("scan.jpg", PdfsharpPdf()), ErrorCodes.AttachmentTypeMismatch);
        Assert.Contains("ist kein PDF, obwohl sie so heißt", Refused(Inspector.Inspect("scan.pdf", Png), ErrorCodes.AttachmentTypeMismatch).Message);
    }

    public static TheoryData<string, byte[]> OtherFormats => new()
    {
        { "archiv.pdf", Zip() },
        { "brief.docx", Zip() },
        { "programm.exe", [.. "MZ"u8, .. new byte[200]] },
        { "seite.pdf", Ascii("<!DOCTYPE html><html><script>alert(1)</script></html>") },
        { "bild.svg", Ascii("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>") },
        { "bild.gif", Ascii("GIF89a\u0001\0\u0001\0\0\0\0;") },
        { "nullen.pdf", new byte[4096] },
        { "text.txt", Ascii("Hallo, bitte rufen Sie mich an.") },
        { "leerzeichen.pdf", Ascii(" %PDF-1.4\n") },
    };

    [Theory]
    [MemberData(nameof(OtherFormats))]
    public void Anything_but_pdf_jpeg_and_png_is_refused_with_the_list_of_allowed_types(string name, byte[] content)
    {
        var error = Refused(Inspector.Inspect(name, content), ErrorCodes.AttachmentTypeNotAllowed);
        Assert.Contains("PDF, JPEG, PNG", error.Message);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Assert.Equal("Die Datei „leer.pdf“ ist leer. Bitte wählen Sie die Datei erneut aus.", Refused(Inspector.Inspect("leer.pdf", []), ErrorCodes.AttachmentEmpty).Message);
    }

    // ---- truncated and malformed ----

    [Fact]
    public void A_truncated_jpeg_without_eoi_is_refused()
    {
        Refused(Inspector.Inspect("a.jpg", Jpeg.AsSpan()[..^2]), ErrorCodes.AttachmentJpegDamaged);
        Refused(Inspector.Inspect("a.jpg", Jpeg.AsSpan()[..(Jpeg.Length / 2)]), ErrorCodes.AttachmentJpegDamaged);
        Refused(Inspector.Inspect("a.jpg", Jpeg.AsSpan()[..300]), ErrorCodes.AttachmentJpegDamaged);
    }

    [Fact]
    public void A_jpeg_whose_segment_length_runs_past_the_end_is_refused()
    {
        var broken = (byte[])Jpeg.Clone();
        broken[4] = 0xFF; // APP0 length 0xFF10
        Refused(Inspector.Inspect("a.jpg", broken), ErrorCodes.AttachmentJpegDamaged);
        Refused(Inspector.Inspect("a.jpg", [0xFF, 0xD8, 0xFF, 0xD9]), ErrorCodes.AttachmentJpegDamaged); // no frame, no scan
    }

    [Fact]
    public void A_truncated_png_without_iend_is_refused()
    {
        Refused(Inspector.Inspect("a.png", Png.AsSpan()[..^12]), ErrorCodes.AttachmentPngDamaged);
        Refused(Inspector.Inspect("a.png", Png.AsSpan()[..40]), ErrorCodes.AttachmentPngDamaged);
    }

    [Fact]
    public void A_png_with_a_bad_crc_is_refused()
    {
        // The last 12 bytes are IEND; before them the 4 bytes of IDAT's CRC, before that IDAT's data.
        foreach (var at in new[] { Png.Length - 20, Png.Length - 13 })
        {
            var broken = (byte[])Png.Clone();
            broken[at] ^= 0x01;
            Refused(Inspector.Inspect("a.png", broken), ErrorCodes.AttachmentPngDamaged);
        }
    }

    [Fact]
    public void A_png_with_an_unknown_critical_chunk_is_refused_but_unknown_ancillary_ones_are_dropped()
    {
        Refused(Inspector.Inspect("a.png", PngWith(Chunk("ABCD", [1, 2, 3]))), ErrorCodes.AttachmentPngDamaged);
        var result = Inspector.Inspect("a.png", PngWith(Chunk("prVt", [1, 2, 3])));
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(Png, result.Value.Content);
    }

    [Fact]
    public void A_truncated_pdf_is_refused()
    {
        var pdf = PdfsharpPdf();
        Refused(Inspector.Inspect("a.pdf", pdf.AsSpan()[..(pdf.Length / 2)]), ErrorCodes.AttachmentPdfDamaged);
        Refused(Inspector.Inspect("a.pdf", pdf.AsSpan()[..^8]), ErrorCodes.AttachmentPdfDamaged);
    }

    [Fact]
    public void A_pdf_whose_cross_reference_pdfsharp_cannot_read_is_refused_by_the_parser_check()
    {
        var pdf = ClassicPdf(OnePage());
        var text = Encoding.Latin1.GetString(pdf);
        var xref = text.LastIndexOf("startxref\n", StringComparison.Ordinal) + "startxref\n".Length;
        var broken = Encoding.Latin1.GetBytes(text[..xref] + "7" + text[xref..].TrimStart('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'));
        Assert.True(RawOnly.Inspect("a.pdf", broken).IsSuccess, "the raw scan does not read the cross-reference");
        Assert.Equal(PdfFinding.Damaged, Parser.Check(broken));
        Refused(Inspector.Inspect("a.pdf", broken), ErrorCodes.AttachmentPdfDamaged);
        Assert.True(Inspector.Inspect("a.pdf", pdf).IsSuccess, "the unbroken file is accepted");
    }

    [Fact]
    public void A_pdf_nested_deep_enough_to_overflow_the_parsers_stack_is_refused_before_the_parser_sees_it()
    {
        // PDFsharp recurses per level: 200,000 levels end the process with a stack overflow on a normal thread.
        const int depth = 200_000;
        var deep = ClassicPdf(OnePage(pageExtra: "/Deep " + new string('[', depth) + new string(']', depth)));
        Refused(Inspector.Inspect("a.pdf", deep), ErrorCodes.AttachmentPdfDamaged);
        // Hidden in a stream's data, where the raw scan reads no names, with the cross-reference pointing into it.
        var inStream = ClassicPdf([.. OnePage(), $"<< /Length {(2 * depth) + 2} >>\nstream\n{new string('<', depth)}{new string('>', depth)}\nendstream"]);
        Refused(Inspector.Inspect("a.pdf", inStream), ErrorCodes.AttachmentPdfDamaged);
        Assert.True(Inspector.Inspect("a.pdf", ClassicPdf(OnePage(pageExtra: "/Deep " + new string('[', 50) + new string(']', 50)))).IsSuccess);
    }

    [Fact]
    public void The_parser_check_holds_four_times_the_accepted_nesting_without_overflowing()
    {
        // Below the raw scan's limit the parser must cope: it runs on a thread with a 64 MB stack. On a test thread
        // this depth overflows and takes the test run down.
        const int depth = 4 * PdfActiveContent.MaxNesting;
        var pdf = ClassicPdf(OnePage(pageExtra: "/Deep " + new string('[', depth) + new string(']', depth)));
        Assert.NotEqual(PdfFinding.JavaScript, Parser.Check(pdf)); // it returns at all
    }

    // ---- polyglots ----

    [Fact]
    public void A_jpeg_with_a_zip_after_eoi_is_refused()
    {
        var error = Refused(Inspector.Inspect("urlaub.jpg", Concat(Jpeg, Zip())), ErrorCodes.AttachmentImageHiddenData);
        Assert.StartsWith("Das Bild „urlaub.jpg“ enthält außer dem Bild weitere Daten", error.Message);
    }

    [Fact]
    public void A_png_with_html_after_iend_is_refused()
    {
        Refused(Inspector.Inspect("a.png", Concat(Png, Ascii("<html><script>alert(1)</script></html>"))), ErrorCodes.AttachmentImageHiddenData);
    }

    [Fact]
    public void Padding_after_the_end_marker_is_accepted_and_dropped()
    {
        var jpeg = Inspector.Inspect("a.jpg", Concat(Jpeg, new byte[64], [0xFF, 0xFF], "\r\n"u8.ToArray()));
        Assert.True(jpeg.IsSuccess, jpeg.Error?.ToString());
        Assert.Equal(Jpeg, jpeg.Value.Content);
        var png = Inspector.Inspect("a.png", Concat(Png, new byte[16]));
        Assert.True(png.IsSuccess, png.Error?.ToString());
        Assert.Equal(Png, png.Value.Content);
    }

    [Fact]
    public void A_second_jpeg_after_eoi_like_a_phones_gain_map_is_dropped_not_refused()
    {
        var result = Inspector.Inspect("IMG_0002.jpg", Concat(Jpeg, ProgressiveJpeg));
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(Jpeg, result.Value.Content);
    }

    [Fact]
    public void A_jpeg_whose_kept_tables_carry_a_pdf_header_is_refused()
    {
        // A quantisation table is needed to decode, so it is kept; a PDF header in it would let a PDF reader that
        // looks into the first KB open the picture as a PDF.
        var table = new byte[65];
        Ascii("%PDF-1.4").CopyTo(table, 1);
        Refused(Inspector.Inspect("a.jpg", AfterSoi(Jpeg, Segment(0xDB, table))), ErrorCodes.AttachmentImageHiddenData);
    }

    [Fact]
    public void A_pdf_with_data_after_eof_or_a_zip_directory_is_refused()
    {
        var pdf = PdfsharpPdf();
        Refused(Inspector.Inspect("a.pdf", Concat(pdf, Zip())), ErrorCodes.AttachmentPdfHiddenData);
        Refused(Inspector.Inspect("a.pdf", Concat(pdf, Ascii("<html></html>\n"))), ErrorCodes.AttachmentPdfHiddenData);
        // The ZIP inside, its end-of-central-directory record in a stream before %%EOF: a PDF and a ZIP at once.
        var zip = Encoding.Latin1.GetString(Zip());
        var polyglot = ClassicPdf([.. OnePage(), $"<< /Length {zip.Length} >>\nstream\n{zip}\nendstream"]);
        Refused(Inspector.Inspect("a.pdf", polyglot), ErrorCodes.AttachmentPdfHiddenData);
    }

    // ---- PDF active content ----

    [Fact]
    public void A_pdf_with_javascript_is_refused_with_its_sentence()
    {
        var pdf = PdfsharpPdf(d => d.Internals.Catalog.Elements["/OpenAction"] = JavaScriptAction(d, "app.alert('x')"));
        var error = Refused(Inspector.Inspect("rechnung.pdf", pdf), ErrorCodes.AttachmentPdfJavaScript);
        Assert.StartsWith("Die PDF-Datei „rechnung.pdf“ enthält JavaScript. Aus Sicherheitsgründen nehmen wir nur PDF-Dateien ohne Skripte, eingebettete Dateien und Verschlüsselung an.", error.Message);
        Refused(RawOnly.Inspect("rechnung.pdf", pdf), ErrorCodes.AttachmentPdfJavaScript);
        Assert.Equal(PdfFinding.JavaScript, Parser.Check(pdf));
    }

    [Fact]
    public void Javascript_inside_a_compressed_object_stream_is_found_by_both_checks()
    {
        var packed = PackedPdf(OnePage("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"));
        Assert.DoesNotContain("JavaScript", Encoding.Latin1.GetString(packed), StringComparison.Ordinal);
        Refused(RawOnly.Inspect("a.pdf", packed), ErrorCodes.AttachmentPdfJavaScript);
        Assert.Equal(PdfFinding.JavaScript, Parser.Check(packed));
        Refused(Inspector.Inspect("a.pdf", packed), ErrorCodes.AttachmentPdfJavaScript);

        // An object stream without a filter: stream data the raw scan otherwise skips, so it reads this one's objects.
        var plain = PackedPdf(compress: false, OnePage("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"));
        Refused(RawOnly.Inspect("a.pdf", plain), ErrorCodes.AttachmentPdfJavaScript);
        Assert.Equal(PdfFinding.JavaScript, Parser.Check(plain));

        // The same file without the script passes both: it is the script that is refused, not the packing.
        var clean = PackedPdf(OnePage());
        Assert.True(RawOnly.Inspect("a.pdf", clean).IsSuccess);
        Assert.Equal(PdfFinding.None, Parser.Check(clean));
    }

    [Theory]
    [InlineData("/OpenAction << /S /J#61vaScript /JS (app.alert\\(1\\)) >>")]
    [InlineData("/OpenAction << /S /#4A#61#76#61#53#63#72#69#70#74 /#4A#53 (x) >>")]
    [InlineData("/AA << /O << /S/JavaScript/JS(x) >> >>")]
    public void Javascript_written_with_hex_escapes_or_without_spaces_is_found_by_both_checks(string catalogExtra)
    {
        var pdf = ClassicPdf(OnePage(catalogExtra));
        Refused(RawOnly.Inspect("a.pdf", pdf), ErrorCodes.AttachmentPdfJavaScript);
        Assert.Equal(PdfFinding.JavaScript, Parser.Check(pdf));
    }

    public static TheoryData<string, string, string> ActiveContent => new()
    {
        { "/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>", "", ErrorCodes.AttachmentPdfEmbeddedFile },
        { "", "/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 4 0 R >>]", ErrorCodes.AttachmentPdfEmbeddedFile },
        { "/OpenAction << /S /Launch /F (cmd.exe) >>", "", ErrorCodes.AttachmentPdfLaunch },
        { "", "/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>]", ErrorCodes.AttachmentPdfRichMedia },
        { "/AcroForm << /Fields [] /XFA 4 0 R >>", "", ErrorCodes.AttachmentPdfXfa },
    };

    [Theory]
    [MemberData(nameof(ActiveContent))]
    public void Pdfs_with_embedded_files_launch_rich_media_or_xfa_are_refused_by_both_checks(string catalogExtra, string pageExtra, string code)
    {
        var pdf = ClassicPdf([.. OnePage(catalogExtra, pageExtra), "<< /Type /Filespec /F (a.txt) >>"]);
        Refused(Inspector.Inspect("a.pdf", pdf), code);
        Refused(RawOnly.Inspect("a.pdf", pdf), code);
        Assert.NotEqual(PdfFinding.None, Parser.Check(pdf));
        Assert.Equal(code, Refused(Inspector.Inspect("a.pdf", PackedPdf([.. OnePage(catalogExtra, pageExtra), "<< /Type /Filespec /F (a.txt) >>"])), code).Code);
    }

    [Fact]
    public void A_pdf_with_a_file_attached_by_pdfsharp_is_refused()
    {
        var pdf = PdfsharpPdf(d =>
        {
            var file = new PdfDictionary(d);
            file.Elements["/Type"] = new PdfName("/EmbeddedFile");
            file.CreateStream("MZ hidden program"u8.ToArray());
            d.Internals.AddObject(file);
            var spec = new PdfDictionary(d);
            spec.Elements["/Type"] = new PdfName("/Filespec");
            spec.Elements["/F"] = new PdfString("a.exe");
            spec.Elements["/EF"] = new PdfDictionary(d) { Elements = { ["/F"] = file.Reference } };
            d.Internals.AddObject(spec);
            var names = new PdfArray(d, new PdfString("a.exe"), spec.Reference!);
            d.Internals.Catalog.Elements["/Names"] = new PdfDictionary(d) { Elements = { ["/EmbeddedFiles"] = new PdfDictionary(d) { Elements = { ["/Names"] = names } } } };
        });
        Refused(Inspector.Inspect("a.pdf", pdf), ErrorCodes.AttachmentPdfEmbeddedFile);
        Assert.Equal(PdfFinding.EmbeddedFile, Parser.Check(pdf));
    }

    [Theory]
    [InlineData("geheim", "")]
    [InlineData("", "chef")]
    public void An_encrypted_pdf_is_refused_whether_it_needs_a_password_to_open_or_only_to_edit(string user, string owner)
    {
        var pdf = PdfsharpPdf(d =>
        {
            if (user.Length > 0)
            {
                d.SecuritySettings.UserPassword = user;
            }
            d.SecuritySettings.OwnerPassword = owner.Length > 0 ? owner : "owner-" + user;
        });
        var error = Refused(Inspector.Inspect("a.pdf", pdf), ErrorCodes.AttachmentPdfEncrypted);
        Assert.Contains("verschlüsselt oder mit einem Kennwort geschützt", error.Message);
        Assert.Equal(PdfFinding.Encrypted, Parser.Check(pdf));
    }

    [Fact]
    public void Javascript_the_raw_scan_is_tricked_into_skipping_is_still_found_by_the_parser()
    {
        // A comment that looks like the start of a stream makes the raw scan skip to the next "endstream"; the parser
        // reads the objects through the cross-reference table and sees the script. This is why both checks run.
        var objects = OnePage(pageExtra: "/AA << /O 4 0 R >>");
        var pdf = ClassicPdf([objects[0], objects[1], "%>>stream\n" + objects[2], "<< /S /JavaScript /JS (app.alert\\(1\\)) >>\n% endstream"]);
        Assert.True(RawOnly.Inspect("a.pdf", pdf).IsSuccess, "the trick works on the raw scan");
        Assert.Equal(PdfFinding.JavaScript, Parser.Check(pdf));
        Refused(Inspector.Inspect("a.pdf", pdf), ErrorCodes.AttachmentPdfJavaScript);
    }

    [Fact]
    public void Javascript_in_an_object_the_cross_reference_does_not_list_is_still_found_by_the_raw_scan()
    {
        // A viewer that rebuilds a damaged table finds the orphan; PDFsharp, reading the table, does not.
        var pdf = ClassicPdf([.. OnePage(), "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"]);
        var text = Encoding.Latin1.GetString(pdf);
        var orphaned = Encoding.Latin1.GetBytes(text.Replace("/Size 5", "/Size 4", StringComparison.Ordinal).Replace("xref\n0 5", "xref\n0 4", StringComparison.Ordinal));
        var lastEntry = text.IndexOf(" 00000 n \ntrailer", StringComparison.Ordinal) - 10;
        orphaned = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(orphaned).Remove(lastEntry, 20));
        Refused(RawOnly.Inspect("a.pdf", orphaned), ErrorCodes.AttachmentPdfJavaScript);
    }

    // ---- limits ----

    [Fact]
    public void A_file_over_the_limit_is_refused_with_the_limit_in_megabytes()
    {
        var large = new byte[(10 * 1024 * 1024) + 1];
        Jpeg.CopyTo(large, 0);
        var error = Refused(Inspector.Inspect("gross.jpg", large), ErrorCodes.AttachmentTooLarge);
        Assert.Equal("Die Datei „gross.jpg“ ist 10,1 MB groß; erlaubt sind höchstens 10 MB je Datei. Bitte verkleinern Sie die Datei oder teilen Sie sie auf.", error.Message);
        var small = new AttachmentInspector(Options.Create(new AttachmentLimits { MaxBytes = 100 * 1024 }));
        Assert.Contains("höchstens 0,1 MB", Refused(small.Inspect("a.pdf", PdfsharpPdf(pages: 400)), ErrorCodes.AttachmentTooLarge).Message);
    }

    [Fact]
    public void Six_files_are_refused_before_any_is_read_and_five_are_accepted()
    {
        var six = Enumerable.Range(1, 6).Select(i => ((string?)$"{i}.png", Png)).ToList();
        var error = Refused6(Inspector.InspectAll(six));
        Assert.Equal("Eine Nachricht kann höchstens 5 Anhänge haben, nicht 6. Bitte verteilen Sie die Dateien auf mehrere Nachrichten.", error.Message);
        var five = Inspector.InspectAll(six[..5]);
        Assert.True(five.IsSuccess, five.Error?.ToString());
        Assert.Equal(["1.png", "2.png", "3.png", "4.png", "5.png"], five.Value.Select(a => a.FileName));

        static Error Refused6(Result<IReadOnlyList<CheckedAttachment>> result)
        {
            Assert.False(result.IsSuccess);
            Assert.Equal(ErrorCodes.AttachmentTooMany, result.Error.Code);
            return result.Error;
        }
    }

    [Fact]
    public void In_a_message_the_first_refused_file_names_itself()
    {
        var result = Inspector.InspectAll([("ok.png", Png), ("kaputt.jpg", Jpeg[..100]), ("leer.pdf", [])]);
        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorCodes.AttachmentJpegDamaged, result.Error.Code);
        Assert.Contains("„kaputt.jpg“", result.Error.Message);
    }

    [Fact]
    public void Limits_outside_their_bounds_stop_the_start()
    {
        var validator = new AttachmentLimitsValidator();
        Assert.True(validator.Validate(null, new AttachmentLimits()).Succeeded);
        Assert.True(validator.Validate(null, new AttachmentLimits { MaxPerMessage = 0 }).Failed);
        Assert.True(validator.Validate(null, new AttachmentLimits { MaxBytes = 100L * 1024 * 1024 }).Failed);
    }

    // ---- file names ----

    [Theory]
    [InlineData("C:\\fakepath\\Befund.pdf", "Befund.pdf")]
    [InlineData("../../etc/passwd.pdf", "passwd.pdf")]
    [InlineData("Rechnung\u202Efdp.exe", "Rechnungfdp.pdf")]
    [InlineData("Arzt\u0000brief\r\n.pdf", "Arztbrief.pdf")]
    [InlineData("Befund vom 12.03", "Befund vom 12.03.pdf")]
    [InlineData("Kündigung\u200B  Februar.PDF", "Kündigung Februar.pdf")]
    [InlineData("a<b>c:d|e?.pdf", "a_b_c_d_e_.pdf")]
    [InlineData(".pdf", "anhang.pdf")]
    [InlineData("   ", "anhang.pdf")]
    [InlineData(null, "anhang.pdf")]
    [InlineData("CON.pdf", "anhang.pdf")]
    [InlineData("/", "anhang.pdf")]
    [InlineData(".htaccess", "htaccess.pdf")]
    [InlineData("bild.JPG", "bild.pdf")]
    public void The_file_name_is_made_safe_and_ends_in_the_real_type(string? given, string expected)
    {
        Assert.Equal(expected, AttachmentFileName.Safe(given, AttachmentType.Pdf));
    }

    [Fact]
    public void A_long_file_name_is_cut_to_100_characters_without_splitting_a_character()
    {
        var name = AttachmentFileName.Safe(new string('ä', 150) + "😀😀.pdf", AttachmentType.Png);
        Assert.Equal(100, name.Length);
        Assert.EndsWith("ä.png", name);
        var emoji = AttachmentFileName.Safe(string.Concat(Enumerable.Repeat("😀", 80)), AttachmentType.Jpeg);
        Assert.True(emoji.Length <= 100 && emoji.EndsWith("😀.jpg", StringComparison.Ordinal), emoji);
    }

    // ---- wiring ----

    [Fact]
    public void The_hosts_inspector_runs_the_pdfsharp_check()
    {
        var services = new ServiceCollection();
        services.AddPforteCore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [AttachmentLimits.Section + ":MaxPerMessage"] = "3" }).Build());
        services.AddPdfLetters();
        using var provider = services.BuildServiceProvider();
        var inspector = provider.GetRequiredService<AttachmentInspector>();
        var objects = OnePage(pageExtra: "/AA << /O 4 0 R >>");
        var tricked = ClassicPdf([objects[0], objects[1], "%>>stream\n" + objects[2], "<< /S /JavaScript /JS (x) >>\n% endstream"]);
        Refused(inspector.Inspect("a.pdf", tricked), ErrorCodes.AttachmentPdfJavaScript);
        Assert.False(inspector.InspectAll([("1.png", Png), ("2.png", Png), ("3.png", Png), ("4.png", Png)]).IsSuccess);

        // Without the PDF project (a component test's container) the inspector still resolves, with the raw scan only.
        var coreOnly = new ServiceCollection();
        coreOnly.AddPforteCore(new ConfigurationBuilder().Build());
        using var coreProvider = coreOnly.BuildServiceProvider();
        Assert.True(coreProvider.GetRequiredService<AttachmentInspector>().Inspect("a.pdf", tricked).IsSuccess);
    }

    private static PdfDictionary JavaScriptAction(PdfDocument document, string script)
    {
        var action = new PdfDictionary(document);
        action.Elements["/S"] = new PdfName("/JavaScript");
        action.Elements["/JS"] = new PdfString(script);
        return action;
    }

    private static byte[] Zlib(string text)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(buffer, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(Encoding.UTF8.GetBytes(text));
        }
        return buffer.ToArray();
    }

    /// <summary>The picture's width as PDFsharp's own image reader sees it: an independent parse of the output.</summary>
    private static int ImageWidth(byte[] image)
    {
        using var stream = new MemoryStream(image);
        using var picture = PdfSharp.Drawing.XImage.FromStream(stream);
        return picture.PixelWidth;
    }
}
