namespace Pforte.Core.Authentication;

/// <summary>Trust levels after BSI TR-03107-1; identifiers as in the API.</summary>
public static class TrustLevels
{
    public const string None = "none";
    public const string Normal = "normal";
    public const string Substantiell = "substantiell";
    public const string Hoch = "hoch";
}

public static class AuthenticationMethods
{
    public const string MachineCode = "machine-code";
}

/// <summary>
/// A stored authentication: who was authenticated, how, at which level, on which channel, by which client, until
/// when. Later decisions reference it by id; an expired or foreign one never counts.
/// </summary>
public sealed class PersonAuthentication
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    public required string Method { get; set; }

    public required string Level { get; set; }

    public required string Channel { get; set; }

    public Guid? ClientId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ValidUntil { get; set; }
}
