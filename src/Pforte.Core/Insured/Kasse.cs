namespace Pforte.Core.Insured;

/// <summary>A statutory health insurer, the tenant. Several Kassen may share one installation.</summary>
public sealed class Kasse
{
    public Guid Id { get; set; }

    /// <summary>Institutionskennzeichen, 9 digits with check digit.</summary>
    public required string Ik { get; set; }

    public required string Name { get; set; }

    public required string SenderStreet { get; set; }

    public required string SenderHouseNumber { get; set; }

    public required string SenderPostalCode { get; set; }

    public required string SenderCity { get; set; }

    /// <summary>Created by <c>pforte demo seed</c>: the only Kasse demo seeding may ever write into.</summary>
    public bool IsDemo { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
