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

    /// <summary>The portal's brand colour, <c>#RRGGBB</c>, dark enough for white text (contrast at least 4.5:1); null: KERN's default.</summary>
    public string? BrandColor { get; set; }

    /// <summary>The logo shown in the portal's header (PNG, at most <see cref="KasseBranding.MaxLogoBytes"/>); null: the name alone.</summary>
    public byte[]? LogoPng { get; set; }
}
