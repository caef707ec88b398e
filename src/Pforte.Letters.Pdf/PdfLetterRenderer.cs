using System.Globalization;
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
/// <remarks>
/// Speed (issue 4: a roll-out prints about a million letters): most of a page is the same in every letter of a kind —
/// letterhead, marks, labels, the body text. Within one print file, such text is drawn once into a form (a PDF
/// Form XObject) that every page with the same text at the same places reuses; what belongs to one letter (recipient,
/// KVNR, reference, a paragraph naming the person, the code) is drawn on the page itself. The code is never part of a
/// shared form. Every file is a separate PDFsharp document, so files can be rendered on several threads.
/// </remarks>
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
        using var file = new PrintFile(document, letters);
        var pages = new List<int>(letters.Count);
        foreach (var letter in letters)
        {
            pages.Add(file.Render(letter));
        }
        document.Save(output, false);
        return pages;
    }

    /// <summary>One print file: its fonts, its measured paragraphs and its shared page forms.</summary>
    private sealed class PrintFile : IDisposable
    {
        private readonly PdfDocument _document;
        private readonly Fonts _fonts = new();
        private readonly XGraphics _measure = XGraphics.CreateMeasureContext(new XSize(Mm(PageWidth), Mm(PageHeight)), XGraphicsUnit.Point, XPageDirection.Downwards);
        private readonly Dictionary<(string Text, XFont Font), List<string>> _wrapped = [];
        private readonly Dictionary<(string Text, double Size, double WidthMm), XFont> _fitted = [];
        private readonly Dictionary<string, XForm> _forms = new(StringComparer.Ordinal);

        /// <summary>
        /// Subjects, paragraphs and closings that many letters of this file have: the kind's text, not a paragraph naming
        /// the person. A salutation that two namesakes share stays on their own pages: in the shared form it would make
        /// a second form with the whole body for just those two letters.
        /// </summary>
        private readonly HashSet<string> _common;

        public PrintFile(PdfDocument document, IReadOnlyList<LetterRenderModel> letters)
        {
            _document = document;
            var often = Math.Max(2, letters.Count / 10);
            _common = letters.SelectMany(l => l.Paragraphs.Append(l.Subject).Append(l.Closing).Distinct())
                .CountBy(t => t, StringComparer.Ordinal).Where(c => c.Value >= often).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        }

        public void Dispose() => _measure.Dispose();

        public int Render(LetterRenderModel letter)
        {
            var pages = Layout(letter);
            for (var i = 0; i < pages.Count; i++)
            {
                var sheet = pages[i];
                if (pages.Count > 1)
                {
                    sheet.RightAligned(true, $"Seite {i + 1} von {pages.Count}", _fonts.Small, TextRight, 284);
                }
                var page = _document.AddPage();
                page.Width = XUnit.FromMillimeter(PageWidth);
                page.Height = XUnit.FromMillimeter(PageHeight);
                using var g = XGraphics.FromPdfPage(page);
                g.DrawImage(Form(sheet), 0, 0);
                foreach (var draw in sheet.Own)
                {
                    draw(g);
                }
            }
            return pages.Count;
        }

        /// <summary>The form holding exactly this page's shared content, drawn once per file.</summary>
        private XForm Form(Sheet sheet)
        {
            var key = string.Join('\n', sheet.Shared.Select(s => s.Key));
            if (!_forms.TryGetValue(key, out var form))
            {
                form = new XForm(_document, new XSize(Mm(PageWidth), Mm(PageHeight)));
                using (var g = XGraphics.FromForm(form))
                {
                    foreach (var (_, draw) in sheet.Shared)
                    {
                        draw(g);
                    }
                }
                _forms[key] = form;
            }
            return form;
        }

        private List<Sheet> Layout(LetterRenderModel letter)
        {
            var first = new Sheet();
            var pages = new List<Sheet> { first };
            first.Shape(true, "marks", Marks);
            FirstPage(first, letter);
            var y = 100.0;
            var subjectShared = _common.Contains(letter.Subject);
            foreach (var line in Wrapped(letter.Subject, _fonts.Subject))
            {
                first.Text(subjectShared, line, _fonts.Subject, TextLeft, y);
                y += 5.2;
            }
            y += 4;
            void NewPageIfNeeded(double height)
            {
                if (y + height > BodyBottom)
                {
                    var next = new Sheet();
                    next.Shape(true, "marks", Marks);
                    next.Text(false, $"{letter.Sender.Name} · KVNR {letter.Kvnr}", _fonts.Small, TextLeft, 12);
                    pages.Add(next);
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
                    CodeBox(pages[^1], letter.Code, letter.CodeLabel, y + 1);
                    y += 27;
                    continue;
                }
                var shared = _common.Contains(paragraph);
                var lines = Wrapped(paragraph, _fonts.Body);
                NewPageIfNeeded(Math.Min(lines.Count, 3) * 4.6);
                foreach (var line in lines)
                {
                    NewPageIfNeeded(4.6);
                    pages[^1].Text(shared, line, _fonts.Body, TextLeft, y);
                    y += 4.6;
                }
                y += 2.6;
            }
            var closing = letter.Closing.Split('\n');
            NewPageIfNeeded(closing.Length * 4.6 + 2);
            y += 2;
            var closingShared = _common.Contains(letter.Closing);
            foreach (var line in closing)
            {
                pages[^1].Text(closingShared, line, _fonts.Body, TextLeft, y);
                y += 4.6;
            }
            var footer = $"{letter.Sender.Name} · {letter.Sender.Street} · {letter.Sender.PostalCodeAndCity} · IK {letter.Sender.Ik}";
            foreach (var sheet in pages)
            {
                sheet.Text(true, footer, _fonts.Small, TextLeft, 284);
                if (letter.Watermark is { } watermark)
                {
                    sheet.Text(true, watermark, _fonts.Watermark, TextLeft, 5, XBrushes.Gray);
                }
            }
            return pages;
        }

        private void FirstPage(Sheet page, LetterRenderModel letter)
        {
            // Letterhead, top right.
            page.Text(true, letter.Sender.Name, _fonts.Letterhead, InfoLeft, 16);
            page.Text(true, letter.Sender.Street, _fonts.Info, InfoLeft, 23);
            page.Text(true, letter.Sender.PostalCodeAndCity, _fonts.Info, InfoLeft, 27);
            page.Text(true, $"IK {letter.Sender.Ik}", _fonts.Info, InfoLeft, 31);

            // Address field: return line in the top strip (45–53 mm), then the recipient below the free band.
            page.Text(true, letter.Sender.ReturnLine, Fit(letter.Sender.ReturnLine, 7, AddressWidth - 6), AddressLeft + 5, 48);
            var y = RecipientTop;
            foreach (var line in letter.RecipientLines.Take(6))
            {
                page.Text(false, line, Fit(line, 10, AddressWidth - 6), AddressLeft + 5, y);
                y += RecipientLineHeight;
            }

            // Information block at the right, beside the recipient (below the free band as well).
            page.Text(true, "Ihre Krankenversichertennummer", _fonts.Label, InfoLeft, 67);
            page.Text(false, letter.Kvnr, _fonts.Info, InfoLeft, 70);
            page.Text(true, "Unser Zeichen", _fonts.Label, InfoLeft, 75);
            page.Text(false, letter.Reference, Fit(letter.Reference, 8, TextRight - InfoLeft), InfoLeft, 78);
            page.Text(true, "Datum", _fonts.Label, InfoLeft, 83);
            page.Text(true, LetterTexts.FormatDate(letter.Date), _fonts.Info, InfoLeft, 86);
        }

        private void CodeBox(Sheet page, string code, string label, double top)
        {
            page.Shape(true, "codebox|" + top.ToString("R", CultureInfo.InvariantCulture), g =>
            {
                var pen = new XPen(XColors.Black, 1.2);
                g.DrawRectangle(pen, Mm(TextLeft), Mm(top), Mm(95), Mm(22));
            });
            page.Text(true, label, _fonts.Label, TextLeft + 4, top + 3);
            // The code only ever on the letter's own page, never in a form that other pages share. A long code (a
            // portal activation code, grouped in fours) fills the line: the notice goes below it.
            var shown = code.Length > 4 ? string.Join('-', code.Chunk(4).Select(c => new string(c))) : code;
            page.Text(false, shown, _fonts.Code, TextLeft + 4, top + 8.5);
            page.Text(true, "Vertraulich – bitte niemandem mitteilen.", _fonts.Label, code.Length > 4 ? TextLeft + 4 : TextLeft + 40, code.Length > 4 ? top + 17.5 : top + 13);
        }

        private List<string> Wrapped(string text, XFont font)
        {
            if (!_wrapped.TryGetValue((text, font), out var lines))
            {
                lines = Wrap(_measure, text, font, TextRight - TextLeft);
                // Personal paragraphs (one letter each) are not kept: the cache stays as small as the file's texts.
                if (_common.Contains(text))
                {
                    _wrapped[(text, font)] = lines;
                }
            }
            return lines;
        }

        /// <summary>The largest size up to <paramref name="size"/> at which the text fits the width.</summary>
        private XFont Fit(string text, double size, double widthMm)
        {
            if (_fitted.TryGetValue((text, size, widthMm), out var fitted))
            {
                return fitted;
            }
            var fit = size;
            var font = _fonts.Regular(fit);
            while (fit > 6 && _measure.MeasureString(text, font).Width > Mm(widthMm))
            {
                fit -= 0.5;
                font = _fonts.Regular(fit);
            }
            // Only the sender's lines repeat; a recipient's line is measured once and forgotten.
            if (_fitted.Count < 64)
            {
                _fitted[(text, size, widthMm)] = font;
            }
            return font;
        }
    }

    /// <summary>One page being laid out: what goes into the shared form (with a key that says exactly what it draws) and what is the letter's own.</summary>
    private sealed class Sheet
    {
        public List<(string Key, Action<XGraphics> Draw)> Shared { get; } = [];

        public List<Action<XGraphics>> Own { get; } = [];

        public void Shape(bool shared, string key, Action<XGraphics> draw)
        {
            if (shared)
            {
                Shared.Add((key, draw));
            }
            else
            {
                Own.Add(draw);
            }
        }

        public void Text(bool shared, string text, XFont font, double xMm, double topMm, XBrush? brush = null) =>
            Shape(shared, Key("L", text, font, xMm, topMm, brush), g => g.DrawString(text, font, brush ?? XBrushes.Black, Mm(xMm), Mm(topMm), XStringFormats.TopLeft));

        public void RightAligned(bool shared, string text, XFont font, double rightMm, double topMm) =>
            Shape(shared, Key("R", text, font, rightMm, topMm, null), g => g.DrawString(text, font, XBrushes.Black, Mm(rightMm) - g.MeasureString(text, font).Width, Mm(topMm), XStringFormats.TopLeft));

        private static string Key(string align, string text, XFont font, double xMm, double topMm, XBrush? brush) =>
            string.Create(CultureInfo.InvariantCulture, $"{align}|{font.Size:R}|{(font.Bold ? 'b' : 'r')}|{xMm:R}|{topMm:R}|{(brush is null ? "" : "g")}|{text}");
    }

    private static void Marks(XGraphics g)
    {
        var pen = new XPen(XColors.Black, 0.5);
        g.DrawLine(pen, Mm(4), Mm(105), Mm(9), Mm(105));
        g.DrawLine(pen, Mm(4), Mm(210), Mm(9), Mm(210));
        g.DrawLine(pen, Mm(4), Mm(148.5), Mm(11), Mm(148.5));
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

    private static double Mm(double mm) => mm * PointsPerMm;

    private sealed class Fonts
    {
        private readonly Dictionary<double, XFont> _regular = [];

        public XFont Letterhead { get; } = Font(12, bold: true);
        public XFont Info { get; } = Font(9, bold: false);
        public XFont Label { get; } = Font(7, bold: false);
        public XFont Small { get; } = Font(7, bold: false);
        public XFont Subject { get; } = Font(11, bold: true);
        public XFont Body { get; } = Font(10, bold: false);
        public XFont Code { get; } = Font(22, bold: true);
        public XFont Watermark { get; } = Font(14, bold: true);

        public XFont Regular(double size)
        {
            if (!_regular.TryGetValue(size, out var font))
            {
                font = Font(size, bold: false);
                _regular[size] = font;
            }
            return font;
        }

        private static XFont Font(double size, bool bold) =>
            new(EmbeddedFontResolver.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, FontOptions);
    }
}

public static class PdfLetterServices
{
    /// <summary>Registers the PDF renderer behind the core's <see cref="ILetterRenderer"/> port.</summary>
    public static IServiceCollection AddPdfLetters(this IServiceCollection services)
    {
        services.AddSingleton<ILetterRenderer, PdfLetterRenderer>();
        // The attachment inspector's parser check (ADR 0020): this project is the only one that knows PDFsharp.
        services.AddSingleton<Core.Mailbox.Attachments.IPdfStructureCheck, PdfSharpStructureCheck>();
        return services;
    }
}
