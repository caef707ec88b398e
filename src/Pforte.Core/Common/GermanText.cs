using System.Globalization;

namespace Pforte.Core.Common;

/// <summary>
/// Numbers and counted nouns in German sentences for the CLI and the logs: one culture (de-DE) for both, so that
/// "1.234,5" reads the same everywhere, and singular or plural by the number ("1 Brief", "2 Briefe").
/// </summary>
public static class GermanText
{
    public static CultureInfo Culture => ErrorTexts.German;

    /// <summary>"1 Brief", "1.234 Briefe", "0 Briefe".</summary>
    public static string Count(long count, string singular, string plural) =>
        count.ToString("N0", Culture) + " " + (count == 1 ? singular : plural);

    /// <summary>A number alone, grouped the German way ("20.000").</summary>
    public static string Number(long value) => value.ToString("N0", Culture);

    /// <summary>A run's duration: "12,3 s", below one second in milliseconds ("40 ms").</summary>
    public static string Duration(TimeSpan elapsed) =>
        elapsed < TimeSpan.FromSeconds(1)
            ? Math.Max(0, (long)Math.Round(elapsed.TotalMilliseconds)).ToString("N0", Culture) + " ms"
            : elapsed.TotalSeconds.ToString("N1", Culture) + " s";

    /// <summary>
    /// " (1.234 Briefe/s)" for runs of at least a second; empty for shorter ones, whose rate says nothing (a few letters
    /// in a few milliseconds is neither "0 Briefe/s" nor "5.000 Briefe/s").
    /// </summary>
    public static string Rate(long count, TimeSpan elapsed, string plural) =>
        elapsed < TimeSpan.FromSeconds(1) || count == 0
            ? ""
            : $" ({(count / elapsed.TotalSeconds).ToString("N0", Culture)} {plural}/s)";
}
