using Pforte.Core.Common;

namespace Pforte.Core.Insured.Import;

/// <summary>The 16 fields of one insured person as delivered (CSV row or API body): raw strings, not yet checked.</summary>
public sealed record InsuredFields(
    string? Kvnr,
    string? FamilyName,
    string? GivenName,
    string? BirthDate,
    string? InsuranceKind,
    string? MainMemberKvnr,
    string? InsuranceStart,
    string? InsuranceEnd,
    string? Street,
    string? HouseNumber,
    string? PostalCode,
    string? City,
    string? Country,
    string? CardNumber,
    string? CardIssuedOn,
    string? DeceasedOn);

/// <summary>Insured master data after validation: every value well-formed and plausible.</summary>
public sealed record InsuredRecord(
    string Kvnr,
    string FamilyName,
    string GivenName,
    DateOnly BirthDate,
    InsuranceKind InsuranceKind,
    string? MainMemberKvnr,
    DateOnly InsuranceStart,
    DateOnly? InsuranceEnd,
    string Street,
    string HouseNumber,
    string PostalCode,
    string City,
    string Country,
    string? CardNumber,
    DateOnly? CardIssuedOn,
    DateOnly? DeceasedOn);

/// <summary>A refused field: the column (CSV) or property (API) name, and why.</summary>
public sealed record FieldError(string Field, Error Error);

/// <summary>The column names, shared by the CSV header and the API's JSON properties.</summary>
public static class InsuredColumns
{
    public const string Kvnr = "kvnr";
    public const string FamilyName = "family_name";
    public const string GivenName = "given_name";
    public const string BirthDate = "birth_date";
    public const string InsuranceKind = "insurance_kind";
    public const string MainMemberKvnr = "main_member_kvnr";
    public const string InsuranceStart = "insurance_start";
    public const string InsuranceEnd = "insurance_end";
    public const string Street = "street";
    public const string HouseNumber = "house_number";
    public const string PostalCode = "postal_code";
    public const string City = "city";
    public const string Country = "country";
    public const string CardNumber = "card_number";
    public const string CardIssuedOn = "card_issued_on";
    public const string DeceasedOn = "deceased_on";

    public static readonly IReadOnlyList<string> All =
    [
        Kvnr, FamilyName, GivenName, BirthDate, InsuranceKind, MainMemberKvnr, InsuranceStart, InsuranceEnd,
        Street, HouseNumber, PostalCode, City, Country, CardNumber, CardIssuedOn, DeceasedOn,
    ];

    public static string Header => string.Join(';', All);
}
