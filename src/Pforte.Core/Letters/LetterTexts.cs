using System.Collections.Frozen;
using System.Globalization;
using Pforte.Core.Insured;

namespace Pforte.Core.Letters;

/// <summary>One kind's German text, as the Kasse's staff reviewed it in Letters/Texts/KIND.txt.</summary>
public sealed record LetterTemplate(string Kind, string Subject, IReadOnlyList<string> Paragraphs, string Closing);

/// <summary>
/// The letter texts live in one reviewable place: Letters/Texts/*.txt, embedded in the assembly (format in the
/// README there). This class parses them and fills in the placeholders.
/// </summary>
public static class LetterTexts
{
    /// <summary>A paragraph equal to this is where the code box is printed.</summary>
    public const string CodeMarker = "[CODE]";

    private static readonly FrozenDictionary<string, LetterTemplate> Templates = LetterKinds.All.ToFrozenDictionary(k => k, Load, StringComparer.Ordinal);

    public static LetterTemplate For(string kind) =>
        Templates.TryGetValue(kind, out var template) ? template : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown letter kind.");

    /// <summary>Builds the render model: texts filled in, address lines per DIN 5008 (no blank lines, at most 6).</summary>
    public static LetterRenderModel Compose(string kind, Letterhead sender, LetterAddress recipient, string kvnr, DateOnly date, string reference, string? code, string? watermark = null)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipient);
        var template = For(kind);
        if (LetterKinds.CarriesCode(kind) != (code is not null))
        {
            throw new ArgumentException(LetterKinds.CarriesCode(kind) ? "A code letter needs its code." : "Only code letters carry a code.", nameof(code));
        }
        string Fill(string text) => text
            .Replace("{Vorname}", recipient.GivenName, StringComparison.Ordinal)
            .Replace("{Nachname}", recipient.FamilyName, StringComparison.Ordinal)
            .Replace("{Kasse}", sender.Name, StringComparison.Ordinal);
        return new LetterRenderModel(sender, recipient.Lines(), date, kvnr, reference, Fill(template.Subject),
            template.Paragraphs.Select(Fill).ToList(), Fill(template.Closing), code, watermark) { CodeLabel = LetterKinds.CodeLabel(kind) };
    }

    /// <summary>Letter date as printed (de-DE, e.g. 28. November 2026).</summary>
    public static string FormatDate(DateOnly date) => date.ToString("d. MMMM yyyy", CultureInfo.GetCultureInfo("de-DE"));

    private static LetterTemplate Load(string kind)
    {
        var assembly = typeof(LetterTexts).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Pforte.Core.Letters.Texts.{kind}.txt")
            ?? throw new InvalidOperationException($"Letter text for {kind} is missing.");
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().ReplaceLineEndings("\n").Split('\n').Where(l => !l.StartsWith('#')).ToList();
        var sections = new List<List<string>> { new() };
        foreach (var line in lines)
        {
            if (line.Trim() == "---")
            {
                sections.Add([]);
            }
            else
            {
                sections[^1].Add(line);
            }
        }
        if (sections.Count != 3 || !sections[0].Any(l => l.StartsWith("Betreff:", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"Letter text for {kind}: expected 'Betreff:', body and closing separated by '---'.");
        }
        var subject = sections[0].First(l => l.StartsWith("Betreff:", StringComparison.Ordinal))["Betreff:".Length..].Trim();
        var paragraphs = new List<string>();
        var current = new List<string>();
        foreach (var line in sections[1].Append(string.Empty))
        {
            if (line.Trim().Length == 0)
            {
                if (current.Count > 0)
                {
                    paragraphs.Add(string.Join(' ', current));
                    current.Clear();
                }
            }
            else
            {
                current.Add(line.Trim());
            }
        }
        var closing = string.Join('\n', sections[2].Select(l => l.Trim()).Where(l => l.Length > 0));
        var markers = paragraphs.Count(p => p == CodeMarker);
        if (markers != (LetterKinds.CarriesCode(kind) ? 1 : 0))
        {
            throw new InvalidOperationException($"Letter text for {kind}: {CodeMarker} must appear exactly once in code letters and never in others.");
        }
        return new LetterTemplate(kind, subject, paragraphs, closing);
    }
}

/// <summary>A recipient's postal address as the letter was queued with it.</summary>
public sealed record LetterAddress(string GivenName, string FamilyName, string Street, string HouseNumber, string PostalCode, string City, string Country)
{
    private static readonly FrozenDictionary<string, string> CountryNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["AT"] = "ÖSTERREICH", ["CH"] = "SCHWEIZ", ["NL"] = "NIEDERLANDE", ["BE"] = "BELGIEN", ["LU"] = "LUXEMBURG", ["FR"] = "FRANKREICH",
        ["PL"] = "POLEN", ["CZ"] = "TSCHECHIEN", ["DK"] = "DÄNEMARK", ["IT"] = "ITALIEN", ["ES"] = "SPANIEN", ["GB"] = "VEREINIGTES KÖNIGREICH",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static LetterAddress Of(OutboxLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return new LetterAddress(letter.GivenName, letter.FamilyName, letter.Street, letter.HouseNumber, letter.PostalCode, letter.City, letter.Country);
    }

    public static LetterAddress Of(InsuredPerson person)
    {
        ArgumentNullException.ThrowIfNull(person);
        return new LetterAddress(person.GivenName, person.FamilyName, person.Street, person.HouseNumber, person.PostalCode, person.City, person.Country);
    }

    /// <summary>Recipient lines per DIN 5008: name, street, postcode and city, country in capitals abroad; no blank lines.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>
        {
            $"{GivenName} {FamilyName}".Trim(),
            $"{Street} {HouseNumber}".Trim(),
            $"{PostalCode} {City}".Trim(),
        };
        if (!string.Equals(Country, "DE", StringComparison.OrdinalIgnoreCase) && Country.Length > 0)
        {
            lines.Add(CountryNames.TryGetValue(Country, out var name) ? name : Country.ToUpperInvariant());
        }
        return lines.Where(l => l.Length > 0).Take(6).ToList();
    }

    public bool SameAs(LetterAddress other) => other is not null
        && string.Equals(Street, other.Street, StringComparison.Ordinal) && string.Equals(HouseNumber, other.HouseNumber, StringComparison.Ordinal)
        && string.Equals(PostalCode, other.PostalCode, StringComparison.Ordinal) && string.Equals(City, other.City, StringComparison.Ordinal)
        && string.Equals(Country, other.Country, StringComparison.Ordinal);
}
