using System.Globalization;
using System.Resources;

namespace Pforte.Core.Common;

/// <summary>The one place that turns an error code into a sentence (German by default, English on request).</summary>
public static class ErrorTexts
{
    public static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    private static readonly ResourceManager Resources =
        new("Pforte.Core.Resources.ErrorTexts", typeof(ErrorTexts).Assembly);

    public static string? Template(string code, CultureInfo culture) => Resources.GetString(code, culture);

    public static string Format(Error error, CultureInfo culture)
    {
        var template = Template(error.Code, culture) ?? error.Code;
        return error.Args.Length == 0 ? template : string.Format(culture, template, error.Args);
    }
}
