using System.Globalization;
using Pforte.Core.Common;

namespace Pforte.Core.Insured.Import;

/// <summary>
/// The one validation of insured master data, used by the CSV import and by <c>PUT /api/v1/insured/{kvnr}</c>.
/// Collects every field error of a record (not just the first) so a core-system operator can fix a row in one go.
/// Text fields are trimmed; identifiers are not (a KVNR that needs trimming is a typo to see, see <see cref="Kvnr"/>).
/// </summary>
public sealed class InsuredValidator(TimeProvider clock)
{
    public const string DefaultCountry = "DE";
    private static readonly DateOnly EarliestBirth = new(1900, 1, 1);

    public InsuredRecord? Validate(InsuredFields fields, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        string? kvnr = null;
        if (NoControl(InsuredColumns.Kvnr, fields.Kvnr, errors))
        {
            if (Kvnr.Parse(fields.Kvnr).TryGetValue(out var k, out var e))
            {
                kvnr = k.Value;
            }
            else
            {
                errors.Add(new FieldError(InsuredColumns.Kvnr, e));
            }
        }
        var familyName = Text(InsuredColumns.FamilyName, fields.FamilyName, InsuredLimits.Name, errors);
        var givenName = Text(InsuredColumns.GivenName, fields.GivenName, InsuredLimits.Name, errors);
        var birthDate = Date(InsuredColumns.BirthDate, fields.BirthDate, required: true, errors);
        if (birthDate is { } b && (b > today || b < EarliestBirth))
        {
            errors.Add(new FieldError(InsuredColumns.BirthDate, new Error(ErrorCodes.BirthDateImplausible)));
        }

        InsuranceKind? kind = null;
        var kindText = Empty(fields.InsuranceKind) ? null : fields.InsuranceKind!.Trim();
        if (kindText is null)
        {
            errors.Add(new FieldError(InsuredColumns.InsuranceKind, new Error(ErrorCodes.FieldRequired, InsuredColumns.InsuranceKind)));
        }
        else if (NoControl(InsuredColumns.InsuranceKind, kindText, errors))
        {
            kind = kindText switch
            {
                "member" => InsuranceKind.Member,
                "family" => InsuranceKind.Family,
                _ => null,
            };
            if (kind is null)
            {
                errors.Add(new FieldError(InsuredColumns.InsuranceKind, new Error(ErrorCodes.InsuranceKindUnknown, Shorten(kindText))));
            }
        }

        string? mainMember = null;
        if (!Empty(fields.MainMemberKvnr) && NoControl(InsuredColumns.MainMemberKvnr, fields.MainMemberKvnr, errors))
        {
            if (Kvnr.Parse(fields.MainMemberKvnr).TryGetValue(out var m, out var e))
            {
                mainMember = m.Value;
            }
            else
            {
                errors.Add(new FieldError(InsuredColumns.MainMemberKvnr, e));
            }
        }
        if (kind == InsuranceKind.Family && Empty(fields.MainMemberKvnr))
        {
            errors.Add(new FieldError(InsuredColumns.MainMemberKvnr, new Error(ErrorCodes.MainMemberRequired)));
        }
        if (kind == InsuranceKind.Member && !Empty(fields.MainMemberKvnr))
        {
            errors.Add(new FieldError(InsuredColumns.MainMemberKvnr, new Error(ErrorCodes.MainMemberNotAllowed)));
        }
        if (mainMember is not null && mainMember == kvnr)
        {
            errors.Add(new FieldError(InsuredColumns.MainMemberKvnr, new Error(ErrorCodes.MainMemberSelf)));
        }

        var start = Date(InsuredColumns.InsuranceStart, fields.InsuranceStart, required: true, errors);
        var end = Date(InsuredColumns.InsuranceEnd, fields.InsuranceEnd, required: false, errors);
        if (start is { } s && end is { } en && en < s)
        {
            errors.Add(new FieldError(InsuredColumns.InsuranceEnd, new Error(ErrorCodes.InsuranceEndBeforeStart)));
        }
        if (start is { } s2 && birthDate is { } b2 && s2 < b2)
        {
            errors.Add(new FieldError(InsuredColumns.InsuranceStart, new Error(ErrorCodes.InsuranceStartBeforeBirth)));
        }

        var street = Text(InsuredColumns.Street, fields.Street, InsuredLimits.Street, errors);
        var houseNumber = Text(InsuredColumns.HouseNumber, fields.HouseNumber, InsuredLimits.HouseNumber, errors);
        var city = Text(InsuredColumns.City, fields.City, InsuredLimits.City, errors);

        var country = DefaultCountry;
        if (!Empty(fields.Country) && NoControl(InsuredColumns.Country, fields.Country, errors))
        {
            country = fields.Country!.Trim();
            if (country.Length != 2 || !char.IsAsciiLetterUpper(country[0]) || !char.IsAsciiLetterUpper(country[1]))
            {
                errors.Add(new FieldError(InsuredColumns.Country, new Error(ErrorCodes.CountryInvalid, Shorten(country))));
            }
        }
        var postalCode = Text(InsuredColumns.PostalCode, fields.PostalCode, InsuredLimits.PostalCode, errors);
        if (postalCode is not null && country == DefaultCountry && (postalCode.Length != 5 || !postalCode.All(char.IsAsciiDigit)))
        {
            errors.Add(new FieldError(InsuredColumns.PostalCode, new Error(ErrorCodes.PostalCodeInvalid, postalCode)));
        }

        string? card = null;
        if (!Empty(fields.CardNumber) && NoControl(InsuredColumns.CardNumber, fields.CardNumber, errors))
        {
            if (CardNumber.Parse(fields.CardNumber).TryGetValue(out var c, out var e))
            {
                card = c.Value;
            }
            else
            {
                errors.Add(new FieldError(InsuredColumns.CardNumber, e));
            }
        }
        var cardIssued = Date(InsuredColumns.CardIssuedOn, fields.CardIssuedOn, required: false, errors);
        if (cardIssued is not null && Empty(fields.CardNumber))
        {
            errors.Add(new FieldError(InsuredColumns.CardIssuedOn, new Error(ErrorCodes.CardIssuedWithoutNumber)));
        }

        var deceased = Date(InsuredColumns.DeceasedOn, fields.DeceasedOn, required: false, errors);
        if (deceased is { } d && birthDate is { } b3 && d < b3)
        {
            errors.Add(new FieldError(InsuredColumns.DeceasedOn, new Error(ErrorCodes.DeathBeforeBirth)));
        }

        if (errors.Count > before)
        {
            return null;
        }
        return new InsuredRecord(kvnr!, familyName!, givenName!, birthDate!.Value, kind!.Value, mainMember, start!.Value, end,
            street!, houseNumber!, postalCode!, city!, country, card, cardIssued, deceased);
    }

    private static bool Empty(string? value) => string.IsNullOrWhiteSpace(value);

    /// <summary>Echoing a long bad value into a report line helps nobody; the column name already says where.</summary>
    private static string Shorten(string value) => value.Length <= 20 ? value : string.Concat(value.AsSpan(0, 20), "…");

    private static bool NoControl(string column, string? value, List<FieldError> errors)
    {
        // The one input policy's characters (TextInput: control characters, lone surrogates, bidi controls).
        if (value is not null && TextInput.FirstForbidden(value) is not null)
        {
            errors.Add(new FieldError(column, new Error(ErrorCodes.FieldControlCharacters, column)));
            return false;
        }
        return true;
    }

    private static string? Text(string column, string? value, int maxLength, List<FieldError> errors)
    {
        if (Empty(value))
        {
            errors.Add(new FieldError(column, new Error(ErrorCodes.FieldRequired, column)));
            return null;
        }
        if (!NoControl(column, value, errors))
        {
            return null;
        }
        if (!TextInput.Required(column, value, maxLength).TryGetValue(out var clean, out var error))
        {
            errors.Add(new FieldError(column, error));
            return null;
        }
        return clean; // trimmed and NFC: "Müller" is one name however it was typed
    }

    private static DateOnly? Date(string column, string? value, bool required, List<FieldError> errors)
    {
        if (Empty(value))
        {
            if (required)
            {
                errors.Add(new FieldError(column, new Error(ErrorCodes.FieldRequired, column)));
            }
            return null;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        errors.Add(new FieldError(column, new Error(ErrorCodes.FieldDate, column)));
        return null;
    }
}
