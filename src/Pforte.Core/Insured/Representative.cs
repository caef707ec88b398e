namespace Pforte.Core.Insured;

public enum RepresentativeKind
{
    /// <summary>Court-appointed carer with Aufgabenkreise, possibly with Einwilligungsvorbehalt.</summary>
    Betreuer = 1,

    /// <summary>Holder of a power of attorney (Vollmacht) with scope and validity.</summary>
    Bevollmaechtigter = 2,

    /// <summary>Parent or guardian of a minor.</summary>
    GesetzlicherVertreter = 3,
}

/// <summary>
/// A Berechtigte(r) acting for an insured person, proven by a Betreuerausweis or a written Vollmacht
/// (<see cref="ProofReference"/>), within <see cref="Scope"/> and the validity period.
/// </summary>
public sealed class Representative
{
    /// <summary>Scope value meaning every request kind.</summary>
    public const string AllRequestKinds = "*";

    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid RepresentedPersonId { get; set; }

    public RepresentativeKind Kind { get; set; }

    /// <summary>Set when the representative is an insured person of the same Kasse.</summary>
    public Guid? RepresentativePersonId { get; set; }

    public required string FamilyName { get; set; }

    public required string GivenName { get; set; }

    public DateOnly? BirthDate { get; set; }

    /// <summary>Request kinds, comma-separated, or <c>*</c> for all (domain.md §2: scope of duties).</summary>
    public required string Scope { get; set; }

    public DateOnly ValidFrom { get; set; }

    public DateOnly? ValidTo { get; set; }

    /// <summary>Betreuerausweis or Vollmacht reference as filed by the Kasse.</summary>
    public required string ProofReference { get; set; }

    public bool Einwilligungsvorbehalt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
