using System.Globalization;
using System.Text;

namespace Pforte.Testing;

/// <summary>Small real files for uploads: a one-page PDF written byte by byte with a correct cross-reference table.</summary>
public static class TestFiles
{
    /// <summary>A valid one-page PDF showing <paramref name="text"/>; <paramref name="catalogExtra"/> goes into the catalog (e.g. an OpenAction with JavaScript).</summary>
    public static byte[] Pdf(string text, string catalogExtra = "", int padding = 0)
    {
        var content = $"BT /F1 18 Tf 72 720 Td ({text}) Tj ET";
        // A large file: an image-like stream of zero bytes the page does not use (as scanned letters carry).
        var extra = padding > 0 ? new[] { $"<< /Length {padding} >>\nstream\n{new string('\0', padding)}\nendstream" } : [];
        string[] objects =
        [
            $"<< /Type /Catalog /Pages 2 0 R {catalogExtra}>>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            .. extra,
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    /// <summary>The same PDF with a script that runs on opening: must be refused.</summary>
    public static byte[] PdfWithJavaScript(string text) => Pdf(text, "/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ");
}
