using System.Globalization;
using System.Net;
using System.Text;
using Pforte.Core.Common;

namespace Pforte.Core.Audit;

/// <summary>The texts of the chart, from the page's German resources.</summary>
public sealed record FailureChartTexts(string Title, string Description, string ThresholdLabel);

/// <summary>One hour of a <see cref="FailureSeries"/> for the table that stands beside the chart: start (German time), sum, busiest minute.</summary>
public sealed record FailureHour(DateTimeOffset Start, long Failures, int PeakPerMinute, bool AboveThreshold);

/// <summary>
/// Draws a <see cref="FailureSeries"/> as SVG on the server: one bar per minute with failures, the alarm band (every
/// rate above the threshold) shaded, hours of German time on the axis. No script, no style attribute (the workspace's
/// CSP allows neither inline), presentation attributes only; <c>role="img"</c> with a title and a description that
/// name the figures, so a screen reader hears what the picture shows — the page adds the table by hour.
/// </summary>
public static class FailureChart
{
    private const int Left = 56, Top = 16, PlotWidth = 1440, PlotHeight = 240, Bottom = 40, Right = 16;
    private const int Width = Left + PlotWidth + Right, Height = Top + PlotHeight + Bottom;

    public static string Svg(FailureSeries series, FailureChartTexts texts, string id = "fehlversuche")
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(texts);
        var scaleMax = NiceCeiling(Math.Max(1, Math.Max(series.Peak, series.AlarmThreshold) * 1.15));
        double Y(double value) => Top + PlotHeight - value / scaleMax * PlotHeight;
        static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"pf-chart\" viewBox=\"0 0 {Width} {Height}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" focusable=\"false\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Text(texts.Title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">{Text(texts.Description)}</desc>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>");

        // The alarm band: everything above the threshold.
        var threshold = Y(series.AlarmThreshold);
        svg.Append(CultureInfo.InvariantCulture,
            $"<rect class=\"pf-chart-band\" x=\"{Left}\" y=\"{Top}\" width=\"{PlotWidth}\" height=\"{N(threshold - Top)}\" fill=\"#fbe3e4\"/>");

        // Horizontal grid with values.
        foreach (var value in Ticks(scaleMax))
        {
            var y = Y(value);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{N(y)}\" x2=\"{Left + PlotWidth}\" y2=\"{N(y)}\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{Left - 6}\" y=\"{N(y + 5)}\" text-anchor=\"end\" font-size=\"14\" fill=\"#1b1b1b\">{value.ToString(CultureInfo.InvariantCulture)}</text>");
        }

        // One bar per minute that had failures.
        svg.Append("<g class=\"pf-chart-bars\" fill=\"#004b76\">");
        for (var i = 0; i < series.PerMinute.Count; i++)
        {
            if (series.PerMinute[i] > 0)
            {
                var y = Y(series.PerMinute[i]);
                var fill = series.PerMinute[i] > series.AlarmThreshold ? " fill=\"#a3000b\"" : "";
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + i}\" y=\"{N(y)}\" width=\"1\" height=\"{N(Top + PlotHeight - y)}\"{fill}/>");
            }
        }
        svg.Append("</g>");

        // The threshold line and its label.
        svg.Append(CultureInfo.InvariantCulture,
            $"<line class=\"pf-chart-threshold\" x1=\"{Left}\" y1=\"{N(threshold)}\" x2=\"{Left + PlotWidth}\" y2=\"{N(threshold)}\" stroke=\"#a3000b\" stroke-width=\"2\" stroke-dasharray=\"8 4\"/>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{Left + PlotWidth - 4}\" y=\"{N(threshold - 6)}\" text-anchor=\"end\" font-size=\"14\" fill=\"#a3000b\">{Text(texts.ThresholdLabel)}</text>");

        // Axes, and every third hour of German time.
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{Left}\" y1=\"{Top + PlotHeight}\" x2=\"{Left + PlotWidth}\" y2=\"{Top + PlotHeight}\" stroke=\"#1b1b1b\" stroke-width=\"1\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + PlotHeight}\" stroke=\"#1b1b1b\" stroke-width=\"1\"/>");
        for (var i = 0; i < series.PerMinute.Count; i++)
        {
            var local = TimeZoneInfo.ConvertTime(series.Start.AddMinutes(i), BerlinCalendar.Zone);
            if (local.Minute == 0 && local.Hour % 3 == 0)
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<line x1=\"{Left + i}\" y1=\"{Top + PlotHeight}\" x2=\"{Left + i}\" y2=\"{Top + PlotHeight + 6}\" stroke=\"#1b1b1b\" stroke-width=\"1\"/>");
                svg.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{Left + i}\" y=\"{Top + PlotHeight + 24}\" text-anchor=\"middle\" font-size=\"14\" fill=\"#1b1b1b\">{local:HH}:00</text>");
            }
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The series by hour (German time of each hour's start), oldest first.</summary>
    public static IReadOnlyList<FailureHour> Hours(FailureSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        // Whole clock hours (the first and the last are partial: the window starts with the current minute a day ago).
        return series.PerMinute
            .Select((n, i) => (n, At: series.Start.AddMinutes(i)))
            .GroupBy(x => new DateTimeOffset(x.At.UtcTicks - x.At.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero))
            .Select(g => new FailureHour(TimeZoneInfo.ConvertTime(g.Key, BerlinCalendar.Zone),
                g.Sum(x => (long)x.n), g.Max(x => x.n), g.Any(x => x.n > series.AlarmThreshold)))
            .ToList();
    }

    private static string Text(string text) => WebUtility.HtmlEncode(text);

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="value"/>.</summary>
    private static int NiceCeiling(double value)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 5, 10 })
        {
            if (step * power >= value)
            {
                return (int)Math.Max(1, step * power);
            }
        }
        return (int)(10 * power);
    }

    private static IEnumerable<int> Ticks(int max)
    {
        var step = Math.Max(1, max / 4);
        for (var v = 0; v <= max; v += step)
        {
            yield return v;
        }
    }
}
