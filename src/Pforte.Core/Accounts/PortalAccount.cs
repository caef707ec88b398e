using Microsoft.AspNetCore.Identity;

namespace Pforte.Core.Accounts;

/// <summary>
/// A portal account (ASP.NET Core Identity user) of exactly one insured person; a person has at most one account
/// (unique index on <see cref="PersonId"/>). The account exists from the second registration step on but is usable only
/// once <see cref="CompletedAt"/> is set, i.e. after a second factor was confirmed (ADR 0015): an account that was never
/// completed cannot sign in and is replaced by the person's next registration.
/// </summary>
public sealed class PortalAccount : IdentityUser<Guid>
{
    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When registration finished with a confirmed second factor; null while it is still under way.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The authenticator app's secret, sealed (AES-GCM, <see cref="SecretSealer"/>); null without an app.</summary>
    public byte[]? SealedAuthenticatorKey { get; set; }

    /// <summary>The TOTP time step last accepted: a code is accepted once (no replay within its window).</summary>
    public long LastTotpStep { get; set; }
}

/// <summary>
/// A signed-in browser session, kept on the server so that it can be revoked ("überall abmelden") and expires by idle
/// time and absolute time whatever the cookie says (security.md, ADR 0015).
/// </summary>
public sealed class PortalSession
{
    public Guid Id { get; set; }

    public Guid AccountId { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    /// <summary>The authentication recorded for this login (RecordAuthentication.PortalLoginAsync).</summary>
    public Guid AuthenticationId { get; set; }

    public required string Level { get; set; }

    /// <summary>Comma-separated factor ids of the login (e.g. <c>password,totp</c> or <c>passkey</c>).</summary>
    public required string Factors { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>Absolute end (created + <see cref="PortalAccountOptions.AbsoluteTimeout"/>).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>A short description of the browser (user agent, shortened) to tell sessions apart on the security page.</summary>
    public string? Device { get; set; }
}
