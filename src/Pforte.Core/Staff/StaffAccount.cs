using Microsoft.AspNetCore.Identity;

namespace Pforte.Core.Staff;

/// <summary>
/// A staff member's account for the workspace (ASP.NET Core Identity user, ADR 0023), of one Kasse. A local account
/// signs in with password and a second factor (TOTP or passkey) and cannot open the workspace before it has one; an
/// account of an OpenID Connect provider (<see cref="ExternalSubject"/> set) has neither password nor TOTP here and
/// gets its roles from the provider's claim at every sign-in.
/// </summary>
public sealed class StaffAccount : IdentityUser<Guid>
{
    public Guid KasseId { get; set; }

    /// <summary>The name shown in the workspace and in lists (not secret; not in audit details).</summary>
    public required string DisplayName { get; set; }

    /// <summary>The roles (<see cref="StaffRoles"/>), comma-separated.</summary>
    public required string Roles { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the account was disabled; a disabled account cannot sign in and its sessions are ended.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>Issuer of the OpenID Connect provider that owns this account; null for a local account.</summary>
    public string? ExternalIssuer { get; set; }

    /// <summary>The provider's subject (<c>sub</c>) of this account; null for a local account.</summary>
    public string? ExternalSubject { get; set; }

    /// <summary>The authenticator app's secret, sealed (<see cref="Accounts.SecretSealer"/>); null until enrolled.</summary>
    public byte[]? SealedAuthenticatorKey { get; set; }

    /// <summary>When the authenticator app was confirmed; null while only a pending secret exists.</summary>
    public DateTimeOffset? TotpConfirmedAt { get; set; }

    /// <summary>The TOTP time step last accepted: a code is accepted once.</summary>
    public long LastTotpStep { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }

    public bool IsDisabled => DisabledAt is not null;

    public bool IsExternal => ExternalSubject is not null;
}

/// <summary>
/// A signed-in workspace session, kept on the server: it ends after the idle time, the absolute time, on sign-out,
/// or when the account is disabled — whatever the cookie says.
/// </summary>
public sealed class StaffSession
{
    public Guid Id { get; set; }

    public Guid AccountId { get; set; }

    public Guid KasseId { get; set; }

    /// <summary>Comma-separated factors of the login (<c>password,totp</c>, <c>passkey</c>, <c>oidc</c>).</summary>
    public required string Factors { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A passkey of a staff account: Identity's passkey entity in a table of its own (not the portal's).</summary>
public sealed class StaffPasskey : IdentityUserPasskey<Guid>;

/// <summary>The factors a staff login names.</summary>
public static class StaffFactors
{
    public const string Password = "password";
    public const string Totp = "totp";
    public const string Passkey = "passkey";
    public const string Oidc = "oidc";
}
