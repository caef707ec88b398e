using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Insured.Import;
using Pforte.Testing;

namespace Pforte.Core.Tests.Insured;

public sealed class InsuredValidatorTests
{
    private static readonly InsuredValidator Validator = new(new FixedClock(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)));

    private static InsuredFields Valid() => new(TestData.Kvnr(1), "Müßig", "Jürgen", "1980-02-29", "member", null, "2000-01-01", null,
        "Lindenstraße", "5a", "60311", "Frankfurt am Main", null, TestData.Card(1), "2024-03-01", null);

    private static (InsuredRecord? Record, List<FieldError> Errors) Run(InsuredFields fields)
    {
        var errors = new List<FieldError>();
        return (Validator.Validate(fields, errors), errors);
    }

    private static void AssertError(InsuredFields fields, string column, string code)
    {
        var (record, errors) = Run(fields);
        Assert.Null(record);
        Assert.Contains(errors, e => e.Field == column && e.Error.Code == code);
    }

    [Fact]
    public void A_valid_row_becomes_a_record_with_country_DE_by_default()
    {
        var (record, errors) = Run(Valid());
        Assert.Empty(errors);
        Assert.NotNull(record);
        Assert.Equal("DE", record.Country);
        Assert.Equal(new DateOnly(1980, 2, 29), record.BirthDate);
        Assert.Equal(InsuranceKind.Member, record.InsuranceKind);
        Assert.Equal(TestData.Card(1), record.CardNumber);
    }

    [Theory]
    [InlineData("1980-2-29")]
    [InlineData("29.02.1980")]
    [InlineData("1981-02-29")]
    [InlineData("1980-02-29T00:00")]
    [InlineData(" 1980-02-29")]
    public void Dates_must_be_exact_iso(string value) =>
        AssertError(Valid() with { BirthDate = value }, InsuredColumns.BirthDate, ErrorCodes.FieldDate);

    [Fact]
    public void Required_fields_are_named() =>
        AssertError(Valid() with { FamilyName = "" }, InsuredColumns.FamilyName, ErrorCodes.FieldRequired);

    [Fact]
    public void Every_error_of_a_row_is_reported_not_just_the_first()
    {
        var (_, errors) = Run(Valid() with { FamilyName = null, City = " ", PostalCode = "123" });
        Assert.Contains(errors, e => e.Field == InsuredColumns.FamilyName);
        Assert.Contains(errors, e => e.Field == InsuredColumns.City);
        Assert.Contains(errors, e => e.Field == InsuredColumns.PostalCode && e.Error.Code == ErrorCodes.PostalCodeInvalid);
    }

    [Fact]
    public void Bad_kvnr_keeps_its_specific_code() =>
        AssertError(Valid() with { Kvnr = TestData.Kvnr(1)[..9] + ((TestData.Kvnr(1)[9] - '0' + 1) % 10) }, InsuredColumns.Kvnr, ErrorCodes.KvnrCheckDigit);

    [Fact]
    public void Unknown_insurance_kind() =>
        AssertError(Valid() with { InsuranceKind = "Member" }, InsuredColumns.InsuranceKind, ErrorCodes.InsuranceKindUnknown);

    [Fact]
    public void Family_needs_a_main_member() =>
        AssertError(Valid() with { InsuranceKind = "family" }, InsuredColumns.MainMemberKvnr, ErrorCodes.MainMemberRequired);

    [Fact]
    public void Member_must_not_have_one() =>
        AssertError(Valid() with { MainMemberKvnr = TestData.Kvnr(2) }, InsuredColumns.MainMemberKvnr, ErrorCodes.MainMemberNotAllowed);

    [Fact]
    public void Nobody_is_their_own_main_member() =>
        AssertError(Valid() with { InsuranceKind = "family", MainMemberKvnr = TestData.Kvnr(1) }, InsuredColumns.MainMemberKvnr, ErrorCodes.MainMemberSelf);

    [Fact]
    public void Family_with_main_member_is_valid()
    {
        var (record, errors) = Run(Valid() with { InsuranceKind = "family", MainMemberKvnr = TestData.Kvnr(2) });
        Assert.Empty(errors);
        Assert.Equal(TestData.Kvnr(2), record!.MainMemberKvnr);
    }

    [Fact]
    public void End_before_start() =>
        AssertError(Valid() with { InsuranceEnd = "1999-12-31" }, InsuredColumns.InsuranceEnd, ErrorCodes.InsuranceEndBeforeStart);

    [Fact]
    public void Start_before_birth() =>
        AssertError(Valid() with { InsuranceStart = "1970-01-01" }, InsuredColumns.InsuranceStart, ErrorCodes.InsuranceStartBeforeBirth);

    [Fact]
    public void Death_before_birth() =>
        AssertError(Valid() with { DeceasedOn = "1970-01-01" }, InsuredColumns.DeceasedOn, ErrorCodes.DeathBeforeBirth);

    [Theory]
    [InlineData("2026-11-29")]
    [InlineData("1899-12-31")]
    public void Implausible_birth_date(string value) =>
        AssertError(Valid() with { BirthDate = value, InsuranceStart = "2026-11-29" }, InsuredColumns.BirthDate, ErrorCodes.BirthDateImplausible);

    [Theory]
    [InlineData("de")]
    [InlineData("DEU")]
    [InlineData("D1")]
    public void Country_must_be_iso2(string value) =>
        AssertError(Valid() with { Country = value }, InsuredColumns.Country, ErrorCodes.CountryInvalid);

    [Theory]
    [InlineData("6031")]
    [InlineData("603111")]
    [InlineData("6031a")]
    public void German_postal_code_has_five_digits(string value) =>
        AssertError(Valid() with { PostalCode = value }, InsuredColumns.PostalCode, ErrorCodes.PostalCodeInvalid);

    [Fact]
    public void Foreign_postal_codes_are_free_form()
    {
        var (record, errors) = Run(Valid() with { Country = "AT", PostalCode = "A-1010" });
        Assert.Empty(errors);
        Assert.Equal("AT", record!.Country);
    }

    [Fact]
    public void Length_limits_come_from_InsuredLimits()
    {
        Assert.Empty(Run(Valid() with { FamilyName = new string('a', InsuredLimits.Name) }).Errors);
        AssertError(Valid() with { FamilyName = new string('a', InsuredLimits.Name + 1) }, InsuredColumns.FamilyName, ErrorCodes.FieldTooLong);
        AssertError(Valid() with { HouseNumber = new string('1', InsuredLimits.HouseNumber + 1) }, InsuredColumns.HouseNumber, ErrorCodes.FieldTooLong);
    }

    [Theory]
    [InlineData("Mül\u0000ler")]
    [InlineData("Mül\nler")]
    [InlineData("Mül\u001Bler")]
    [InlineData("Mül\u0085ler")]
    public void Control_characters_are_refused(string value) =>
        AssertError(Valid() with { FamilyName = value }, InsuredColumns.FamilyName, ErrorCodes.FieldControlCharacters);

    [Fact]
    public void Card_issue_date_without_card() =>
        AssertError(Valid() with { CardNumber = null }, InsuredColumns.CardIssuedOn, ErrorCodes.CardIssuedWithoutNumber);

    [Fact]
    public void Bad_card_number_keeps_its_code() =>
        AssertError(Valid() with { CardNumber = "12345678901234567890" }, InsuredColumns.CardNumber, ErrorCodes.CardNotEgk);

    [Fact]
    public void Empty_optional_cells_mean_none()
    {
        var (record, errors) = Run(Valid() with { CardNumber = "", CardIssuedOn = "", InsuranceEnd = "", DeceasedOn = "", Country = "" });
        Assert.Empty(errors);
        Assert.Null(record!.CardNumber);
        Assert.Null(record.InsuranceEnd);
        Assert.Null(record.DeceasedOn);
        Assert.Equal("DE", record.Country);
    }

    [Fact]
    public void Text_is_trimmed()
    {
        var (record, _) = Run(Valid() with { FamilyName = "  Müßig " });
        Assert.Equal("Müßig", record!.FamilyName);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
