namespace Pforte.Core.Insured;

public enum InsuranceKind
{
    /// <summary>Mitglied.</summary>
    Member = 1,

    /// <summary>Familienversicherte(r), linked to a main member.</summary>
    Family = 2,
}

/// <summary>Versicherte(r): master data mirrored from the Kasse's core system.</summary>
public sealed class InsuredPerson
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    /// <summary>Unique per Kasse.</summary>
    public required string Kvnr { get; set; }

    public required string FamilyName { get; set; }

    public required string GivenName { get; set; }

    public DateOnly BirthDate { get; set; }

    public InsuranceKind InsuranceKind { get; set; }

    /// <summary>
    /// KVNR of the main member for family-insured persons. Kept as the identifier, not a foreign key: the core
    /// system may deliver the member after the family member, or in another file.
    /// </summary>
    public string? MainMemberKvnr { get; set; }

    public DateOnly InsuranceStart { get; set; }

    public DateOnly? InsuranceEnd { get; set; }

    public required string Street { get; set; }

    public required string HouseNumber { get; set; }

    public required string PostalCode { get; set; }

    public required string City { get; set; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public required string Country { get; set; }

    public DateOnly? DeceasedOn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<HealthCard> Cards { get; set; } = [];
}
