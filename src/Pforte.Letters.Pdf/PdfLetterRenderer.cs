using Microsoft.Extensions.DependencyInjection;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Pforte.Core.Letters;

namespace Pforte.Letters.Pdf;

/// <summary>
/// DIN 5008 Form B letters on A4 (domain.md §7): letterhead top right, address field 20 mm from the left and 45 mm
/// from the top (85 × 45 mm: return line on top, the free band for machine postage 53–66 mm kept empty, then up to
/// 6 recipient lines), information block at the right beside the recipient, fold marks at 105 and 210 mm, hole mark
/// at 148.5 mm. The code appears once, in a framed box, and never in the document's metadata.
/// </summary>
public sealed class PdfLetterRenderer : ILetterRenderer
{
    // All geometry in millimetres from the top-left corner of the sheet.
    public const double PageWidth = 210, PageHeight = 297;
    public const double AddressLeft = 20, AddressTop = 45, AddressWidth = 85, AddressHeight = 45;
    public const double FreeBandTop = 53, FreeBandBottom = 66;
    public const double RecipientTop = 67, RecipientLineHeight = 3.8;
    public const double InfoLeft = 125;
    public const double TextLeft = 25, TextRight = 190, BodyBottom = 272;

    private const double PointsPerMm = 72 / 25.4;
    private static readonly XPdfFontOptions FontOptions = new(PdfFontEncoding.Unicode);

    public PdfLetterRenderer() => EmbeddedFontResolver.Install();

    public IReadOnlyList<int> Render(IReadOnlyList<LetterRenderModel> letters, Stream output)
    {
        ArgumentNullException.ThrowIfNull(letters);
        ArgumentNullException.ThrowIfNull(output);
        using var document = new PdfDocument();
        // Metadata names the sender only: never a name, a KVNR or a code.
        document.Info.Title = "Briefe";
        document.Info.Creator = "Pforte";
        document.Options.CompressContentStreams = true;
        var pages = new List<int>(letters.Count);
        // One set of fonts and one measuring context per file; the body paragraphs of a kind are the same in every
        // letter, so each is wrapped once per file instead of once per letter (measuring is most of the layout cost).
        var fonts = new Fonts();
        var wrapped = new Dictionary<(string Text, XFont Font), List<string>>();
        using var measure = XGraphics.CreateMeasureContext(new XSize(Mm(PageWidth), Mm(PageHeight)), XGraphicsUnit.Point, XPageDirection.Downwards);
        foreach (var letter in letters)
        {
            pages.Add(RenderLetter(document, letter, fonts, measure, wrapped));
        }
        document.Save(output, false);
        return pages;
    }

    private static int RenderLetter(PdfDocument document, LetterRenderModel letter, Fonts fonts, XGraphics measure, Dictionary<(string Text, XFont Font), List<string>> wrapped)
    {
        var layout = new List<List<Action<XGraphics>>> { new() };
        List<string> Wrapped(string text, XFont font)
        {
            if (!wrapped.TryGetValue((text, font), out var lines))
            {
                lines = Wrap(measure, text, font, TextRight - TextLeft);
                wrapped[(text, font)] = lines;
            }
            return lines;
        }
        {
            var y = 100.0;
            var subject = letter.Subject;
            foreach (var line in Wrapped(subject, fonts.Subject))
            {
                var at = y;
                layout[^1].Add(g => Text(g, line, fonts.Subject, TextLeft, at));
                y += 5.2;
            }
            y += 4;
            void NewPageIfNeeded(double height)
            {
                if (y + height > BodyBottom)
                {
                    layout.Add([]);
                    y = 25;
                }
            }
            foreach (var paragraph in letter.Paragraphs)
            {
                if (paragraph == LetterTexts.CodeMarker)
                {
                    if (letter.Code is null)
                    {
                        continue;
                    }
                    NewPageIfNeeded(26);
                    var at = y + 1;
                    var code = letter.Code;
                    layout[^1].Add(g => CodeBox(g, fonts, code, at));
                    y += 27;
                    continue;
                }
                var lines = Wrapped(paragraph, fonts.Body);
                NewPageIfNeeded(Math.Min(lines.Count, 3) * 4.6);
                foreach (var line in lines)
                {
                    NewPageIfNeeded(4.6);
                    var at = y;
                    layout[^1].Add(g => Text(g, line, fonts.Body, TextLeft, at));
                    y += 4.6;
                }
                y += 2.6;
            }
            var closing = letter.Closing.Split('\n');
            NewPageIfNeeded(closing.Length * 4.6 + 2);
            y += 2;
            foreach (var line in closing)
            {
                var at = y;
                layout[^1].Add(g => Text(g, line, fonts.Body, TextLeft, at));
                y += 4.6;
            }
        }

        for (var i = 0; i < layout.Count; i++)
        {
            var page = document.AddPage();
            page.Width = XUnit.FromMillimeter(PageWidth);
            page.Height = XUnit.FromMillimeter(PageHeight);
            using var g = XGraphics.FromPdfPage(page);
            Marks(g);
            if (i == 0)
            {
                FirstPage(g, fonts, letter);
            }
            else
            {
                Text(g, $"{letter.Sender.Name} · KVNR {letter.Kvnr}", fonts.Small, TextLeft, 12);
            }
            foreach (var draw in layout[i])
            {
                draw(g);
            }
            var footer = $"{letter.Sender.Name} · {letter.Sender.Street} · {letter.Sender.PostalCodeAndCity} · IK {letter.Sender.Ik}";
            Text(g, footer, fonts.Small, TextLeft, 284);
            if (layout.Count > 1)
            {
                RightAligned(g, $"Seite {i + 1} von {layout.Count}", fonts.Small, TextRight, 284);
            }
            if (letter.Watermark is { } watermark)
            {
                Text(g, watermark, fonts.Watermark, TextLeft, 5, XBrushes.Gray);
            }
        }
        return layout.Count;
    }

    private static void FirstPage(XGraphics g, Fonts fonts, LetterRenderModel letter)
    {
        // Letterhead, top right.
        Text(g, letter.Sender.Name, fonts.Letterhead, InfoLeft, 16);
        Text(g, letter.Sender.Street, fonts.Info, InfoLeft, 23);
        Text(g, letter.Sender.PostalCodeAndCity, fonts.Info, InfoLeft, 27);
        Text(g, $"IK {letter.Sender.Ik}", fonts.Info, InfoLeft, 31);

        // Address field: return line in the top strip (45–53 mm), then the recipient below the free band.
        var returnFont = FitFont(g, letter.Sender.ReturnLine, 7, AddressWidth - 6, bold: false);
        Text(g, letter.Sender.ReturnLine, returnFont, AddressLeft + 5, 48);
        var y = RecipientTop;
        foreach (var line in letter.RecipientLines.Take(6))
        {
            Text(g, line, FitFont(g, line, 10, AddressWidth - 6, bold: false), AddressLeft + 5, y);
            y += RecipientLineHeight;
        }

        // Information block at the right, beside the recipient (below the free band as well).
        Text(g, "Ihre Krankenversichertennummer", fonts.Label, InfoLeft, 67);
        Text(g, letter.Kvnr, fonts.Info, InfoLeft, 70);
        Text(g, "Unser Zeichen", fonts.Label, InfoLeft, 75);
        Text(g, letter.Reference, FitFont(g, letter.Reference, 8, TextRight - InfoLeft, bold: false), InfoLeft, 78);
        Text(g, "Datum", fonts.Label, InfoLeft, 83);
        Text(g, LetterTexts.FormatDate(letter.Date), fonts.Info, InfoLeft, 86);
    }

    private static void CodeBox(XGraphics g, Fonts fonts, string code, double top)
    {
        var pen = new XPen(XColors.Black, 1.2);
        g.DrawRectangle(pen, Mm(TextLeft), Mm(top), Mm(95), Mm(22));
        Text(g, "Ihr persönlicher Authentifizierungscode", fonts.Label, TextLeft + 4, top + 3);
        Text(g, code, fonts.Code, TextLeft + 4, top + 8.5);
        Text(g, "Vertraulich – bitte niemandem mitteilen.", fonts.Label, TextLeft + 40, top + 13);
    }

    private static void Marks(XGraphics g)
    {
        var pen = new XPen(XColors.Black, 0.5);
        g.DrawLine(pen, Mm(4), Mm(105), Mm(9), Mm(105));
        g.DrawLine(pen, Mm(4), Mm(210), Mm(9), Mm(210));
        g.DrawLine(pen, Mm(4), Mm(148.5), Mm(11), Mm(148.5));
    }

    private static XFont FitFont(XGraphics g, string text, double size, double widthMm, bool bold)
    {
        var font = Font(size, bold);
        while (size > 6 && g.MeasureString(text, font).Width > Mm(widthMm))
        {
            size -= 0.5;
            font = Font(size, bold);
        }
        return font;
    }

    private static List<string> Wrap(XGraphics g, string text, XFont font, double widthMm)
    {
        var lines = new List<string>();
        var current = string.Empty;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (current.Length > 0 && g.MeasureString(candidate, font).Width > Mm(widthMm))
            {
                lines.Add(current);
                current = word;
            }
            else
            {
                current = candidate;
            }
        }
        if (current.Length > 0)
        {
            lines.Add(current);
        }
        return lines;
    }

    private static void Text(XGraphics g, string text, XFont font, double xMm, double topMm, XBrush? brush = null) =>
        g.DrawString(text, font, brush ?? XBrushes.Black, Mm(xMm), Mm(topMm), XStringFormats.TopLeft);

    private static void RightAligned(XGraphics g, string text, XFont font, double rightMm, double topMm) =>
        g.DrawString(text, font, XBrushes.Black, Mm(rightMm) - g.MeasureString(text, font).Width, Mm(topMm), XStringFormats.TopLeft);

    private static double Mm(double mm) => mm * PointsPerMm;

    private static XFont Font(double size, bool bold) =>
        new(EmbeddedFontResolver.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, FontOptions);

    private sealed class Fonts
    {
        public XFont Letterhead { get; } = Font(12, bold: true);
        public XFont Info { get; } = Font(9, bold: false);
        public XFont Label { get; } = Font(7, bold: false);
        public XFont Small { get; } = Font(7, bold: false);
        public XFont Subject { get; } = Font(11, bold: true);
        public XFont Body { get; } = Font(10, bold: false);
        public XFont Code { get; } = Font(22, bold: true);
        public XFont Watermark { get; } = Font(14, bold: true);
    }
}

public static class PdfLetterServices
{
    /// <summary>Registers the PDF renderer behind the core's <see cref="ILetterRenderer"/> port.</summary>
    public static IServiceCollection AddPdfLetters(this IServiceCollection services)
    {
        services.AddSingleton<ILetterRenderer, PdfLetterRenderer>();
        return services;
    }
}
