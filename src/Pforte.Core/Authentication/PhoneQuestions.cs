using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Pforte.Core.Insured;

namespace Pforte.Core.Authentication;

/// <summary>A drawn round of questions; holds only question ids, never the expected answers.</summary>
public sealed class PhoneQuestionSession
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    /// <summary>Question ids, comma-separated, in the order asked.</summary>
    public required string Questions { get; set; }

    public string? StaffId { get; set; }

    public Guid? ClientId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set when answered (right or wrong): a round is answered once.</summary>
    public DateTimeOffset? AnsweredAt { get; set; }
}

/// <summary>Failed rounds of one person on one Berlin day (yyyymmdd), shared by all agents and the IVR.</summary>
public sealed class PhoneQuestionTries
{
    public Guid PersonId { get; set; }

    public int Day { get; set; }

    public int Tries { get; set; }
}

/// <summary>The facts a question can be asked on, as loaded for one person.</summary>
public sealed record PersonFacts(DateOnly BirthDate, string PostalCode, string Street, string HouseNumber, DateOnly InsuranceStart, string? CurrentCard, string? MainMemberGivenName, string? MainMemberFamilyName);

/// <summary>
/// The catalogue: facts only the person and the Kasse know. One possession item (the current card's last digits);
/// the rest is knowledge. Expected answers are computed here and compared here; they never leave this class.
/// </summary>
public static class PhoneQuestionCatalogue
{
    public const string BirthDate = "birth-date";
    public const string PostcodeStreet = "postcode-street";
    public const string InsuranceStartMonth = "insurance-start-month";
    public const string CardLastDigits = "card-last-digits";
    public const string MainMemberName = "main-member-name";

    public static readonly IReadOnlyList<string> Knowledge = [BirthDate, PostcodeStreet, InsuranceStartMonth, MainMemberName];

    public static string Text(string id, int cardDigits) => id switch
    {
        BirthDate => "Wie lautet Ihr Geburtsdatum?",
        PostcodeStreet => "Wie lauten die Postleitzahl und die Straße Ihrer Anschrift?",
        InsuranceStartMonth => "In welchem Monat und Jahr hat Ihre Versicherung bei uns begonnen?",
        CardLastDigits => string.Create(CultureInfo.InvariantCulture, $"Wie lauten die letzten {cardDigits} Ziffern der Kennnummer auf der Rückseite Ihrer Gesundheitskarte?"),
        MainMemberName => "Wie heißt das Mitglied, über das Sie familienversichert sind (Vor- und Nachname)?",
        _ => throw new ArgumentOutOfRangeException(nameof(id)),
    };

    public static bool IsAvailable(string id, PersonFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return id switch
        {
            CardLastDigits => facts.CurrentCard is not null,
            MainMemberName => facts.MainMemberFamilyName is not null,
            _ => true,
        };
    }

    public static bool Matches(string id, PersonFacts facts, string? answer, int cardDigits)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (string.IsNullOrWhiteSpace(answer) || answer.Length > 200)
        {
            return false;
        }
        return id switch
        {
            BirthDate => AnswerNormalizer.ParseDate(answer) == facts.BirthDate,
            InsuranceStartMonth => AnswerNormalizer.ParseMonth(answer) is { } m && m.Year == facts.InsuranceStart.Year && m.Month == facts.InsuranceStart.Month,
            CardLastDigits => facts.CurrentCard is { } card && AnswerNormalizer.Text(answer) == card[^cardDigits..],
            PostcodeStreet => AnyEqual(answer,
                facts.PostalCode + facts.Street, facts.PostalCode + facts.Street + facts.HouseNumber,
                facts.Street + facts.PostalCode, facts.Street + facts.HouseNumber + facts.PostalCode),
            MainMemberName => facts.MainMemberFamilyName is { } family && AnyEqual(answer,
                facts.MainMemberGivenName + " " + family, family + " " + facts.MainMemberGivenName),
            _ => false,
        };
    }

    private static bool AnyEqual(string answer, params string[] expected)
    {
        var given = AnswerNormalizer.Text(answer);
        return expected.Any(e => AnswerNormalizer.Text(e) == given);
    }
}

/// <summary>
/// How answers typed by an agent are compared: case, spaces and punctuation do not matter, umlauts may be written
/// ä or ae, ß or ss, "Str." equals "Straße", dates in the usual German and ISO forms, months by number or name.
/// </summary>
public static partial class AnswerNormalizer
{
    public static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim().ToLower(CultureInfo.GetCultureInfo("de-DE"))
            .Replace("ä", "ae", StringComparison.Ordinal).Replace("ö", "oe", StringComparison.Ordinal)
            .Replace("ü", "ue", StringComparison.Ordinal).Replace("ß", "ss", StringComparison.Ordinal);
        s = StreetAbbreviation().Replace(s, "strasse");
        var sb = new StringBuilder(s.Length);
        foreach (var c in s.Normalize(NormalizationForm.FormD))
        {
            // Letters with other diacritics (é, ç) compare as their base letter; spaces and punctuation drop out.
            if (char.IsLetterOrDigit(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static readonly string[] DateFormats =
        ["d.M.yyyy", "dd.MM.yyyy", "d. M. yyyy", "yyyy-MM-dd", "d/M/yyyy", "dd/MM/yyyy", "ddMMyyyy", "d-M-yyyy", "d MMMM yyyy", "d. MMMM yyyy"];

    public static DateOnly? ParseDate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = Spaces().Replace(value.Trim(), " ");
        return DateOnly.TryParseExact(s, DateFormats, CultureInfo.GetCultureInfo("de-DE"), DateTimeStyles.None, out var d) ? d : null;
    }

    private static readonly string[] MonthFormats = ["M.yyyy", "MM.yyyy", "M/yyyy", "MM/yyyy", "yyyy-MM", "MMMM yyyy", "MMM yyyy", "MMM. yyyy", "MMyyyy", "M yyyy"];

    public static DateOnly? ParseMonth(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = Spaces().Replace(value.Trim(), " ");
        var de = CultureInfo.GetCultureInfo("de-DE");
        if (DateOnly.TryParseExact(s, MonthFormats, de, DateTimeStyles.None, out var d))
        {
            return d;
        }
        // "Maerz 2010" typed without umlaut.
        var withUmlaut = s.Replace("aerz", "ärz", StringComparison.OrdinalIgnoreCase);
        return DateOnly.TryParseExact(withUmlaut, MonthFormats, de, DateTimeStyles.None, out d) ? d : null;
    }

    [GeneratedRegex(@"str\.?(?=\s|\d|$)")]
    private static partial Regex StreetAbbreviation();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

/// <summary>The closed list of photo IDs a Beratungscenter accepts (the insurer's page).</summary>
public static class DocumentTypes
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["egk-photo"] = "eGK mit Lichtbild",
        ["fuehrerschein"] = "Führerschein",
        ["personalausweis"] = "Personalausweis",
        ["reisepass"] = "Reisepass",
        ["schwerbehindertenausweis"] = "Schwerbehindertenausweis",
        ["aufenthaltstitel"] = "Elektronischer Aufenthaltstitel",
    };
}

internal static class PersonFactsLoader
{
    public static PersonFacts From(InsuredPerson p, string? card, InsuredPerson? mainMember) =>
        new(p.BirthDate, p.PostalCode, p.Street, p.HouseNumber, p.InsuranceStart, card, mainMember?.GivenName, mainMember?.FamilyName);
}
