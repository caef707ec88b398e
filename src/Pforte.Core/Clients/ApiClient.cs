namespace Pforte.Core.Clients;

/// <summary>
/// A system that calls the API: the IVR, the core system, the portal back end, the print service. It belongs to
/// one Kasse and sees only that Kasse's persons. Its key is stored as a SHA-256 hash only.
/// </summary>
public sealed class ApiClient
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public required string Name { get; set; }

    /// <summary>Public lookup part of the key (<c>pf_{KeyId}_{secret}</c>); lets us find the row without scanning hashes.</summary>
    public required string KeyId { get; set; }

    public required byte[] KeyHash { get; set; }

    /// <summary>Space-separated scopes.</summary>
    public required string Scopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsDemo { get; set; }
}
