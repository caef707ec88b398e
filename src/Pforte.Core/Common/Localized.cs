using System.Globalization;

namespace Pforte.Core.Common;

/// <summary>
/// A text built at run time in both languages, as an argument of an <see cref="Error"/>: <see cref="ErrorTexts"/>
/// formats with the culture of the sentence, so the German sentence gets the German part and the English one the
/// English part (instead of German fragments inside an English sentence).
/// </summary>
public sealed record Localized(string German, string English) : IFormattable
{
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        formatProvider is CultureInfo { TwoLetterISOLanguageName: "en" } ? English : German;

    public override string ToString() => German;

    /// <summary>Joins parts language by language.</summary>
    public static Localized Join(string separatorGerman, string separatorEnglish, IEnumerable<Localized> parts)
    {
        var list = parts.ToList();
        return new(string.Join(separatorGerman, list.Select(p => p.German)), string.Join(separatorEnglish, list.Select(p => p.English)));
    }
}
