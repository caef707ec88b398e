using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Pforte.Core.Accounts;
using Pforte.Core.Audit;

namespace Pforte.Portal.Accounts;

/// <summary>
/// Turns a completed login (Core) into the portal cookie, renews it after a step-up, and names the actor of the
/// audit record: before sign-in the built-in portal client with the visitor's IP, after it the person's account.
/// </summary>
public sealed class PortalSignIn(IHttpContextAccessor accessor)
{
    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No request.");

    /// <summary>
    /// A fresh cookie for the login (a new session id every time: no session fixation). No step-up time: a high-value
    /// action asks for the second factor again, also right after the login (ADR 0015).
    /// </summary>
    public Task SignInAsync(PortalLogin login)
    {
        ArgumentNullException.ThrowIfNull(login);
        var actor = new PortalActor(login.AccountId, login.PersonId, login.KasseId, login.AuthenticationId, login.SessionId, login.Level, null, null, null);
        return IssueAsync(actor);
    }

    /// <summary>The same session with a new step-up time.</summary>
    public Task RenewStepUpAsync(PortalActor actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return IssueAsync(actor with { StepUpAt = at });
    }

    public Task SignOutAsync() => Http.SignOutAsync(PortalAuth.Scheme);

    private Task IssueAsync(PortalActor actor)
    {
        var identity = new ClaimsIdentity(actor.ToClaims(), PortalAuth.Scheme);
        return Http.SignInAsync(PortalAuth.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
    }

    /// <summary>Audit context of a visitor not signed in: the built-in portal client, channel portal, the visitor's IP.</summary>
    public AuditContext Visitor() => new(ActorKind.Client, "client:" + PortalClient.Name, Channel: "portal", SourceIp: Ip, CorrelationId: Http.TraceIdentifier);

    /// <summary>
    /// Audit context of the signed-in person; while a representative acts for someone, the representation
    /// ("X für Y": the represented person's history names the representative, ADR 0017).
    /// </summary>
    public AuditContext Person(PortalActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var actorId = actor.RepresentativeId is { } representation
            ? Pforte.Core.Portal.PortalAudit.RepresentativePrefix + representation.ToString("N")
            : "insured:" + actor.AccountId;
        return new AuditContext(ActorKind.Insured, actorId, Channel: "portal", SourceIp: Ip, CorrelationId: Http.TraceIdentifier);
    }

    /// <summary>The visitor's address in canonical form (the throttling key).</summary>
    public string? Ip => Http.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : null;

    /// <summary>The browser as the security page shows it: its family from the user agent, nothing more (no fingerprint kept).</summary>
    public string? Device => Http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? BrowserName(agent) : null;

    public static string? BrowserName(string? userAgent) =>
        userAgent is null ? null
        : userAgent.Contains("Firefox/", StringComparison.Ordinal) ? "Firefox"
        : userAgent.Contains("Edg/", StringComparison.Ordinal) ? "Edge"
        : userAgent.Contains("Chrome/", StringComparison.Ordinal) ? "Chrome"
        : userAgent.Contains("Safari/", StringComparison.Ordinal) ? "Safari"
        : null;
}
