using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Common;
using Pforte.Core.Portal;

namespace Pforte.Portal.History;

/// <summary>
/// Puts a switch to a represented person, and the way back, into the portal cookie: the represented person's
/// authentication and level while acting for them, the session's own login again afterwards. The session id stays
/// the same, so "überall abmelden" and the timeouts still end it.
/// </summary>
public static class RepresentationSession
{
    public static async Task<Result<ActingFor>> SwitchToAsync(HttpContext http, PortalActor actor, string? representativeId)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(actor);
        var representation = http.RequestServices.GetRequiredService<PortalRepresentation>();
        var started = await representation.StartForSessionAsync(actor.KasseId, actor.PersonId, actor.RepresentativeId, representativeId, actor.SessionId,
            http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted).ConfigureAwait(false);
        if (!started.TryGetValue(out var switched, out var error))
        {
            return error;
        }
        await SignInAsync(http, actor with
        {
            ActingForPersonId = switched.Acting.PersonId,
            RepresentativeId = switched.Acting.RepresentativeId,
            AuthenticationId = switched.AuthenticationId,
            Level = switched.Level,
        }).ConfigureAwait(false);
        return switched.Acting;
    }

    /// <summary>Back to the own account; null when done (also when the representation was deleted meanwhile).</summary>
    public static async Task<Error?> SwitchBackAsync(HttpContext http, PortalActor actor)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(actor);
        var representation = http.RequestServices.GetRequiredService<PortalRepresentation>();
        var ended = await representation.EndAsync(actor.KasseId, actor.PersonId, actor.RepresentativeId, http.Connection.RemoteIpAddress?.ToString(),
            actor.SessionId.ToString(), http.RequestAborted).ConfigureAwait(false);
        if (ended.Error is { Code: ErrorCodes.RepresentationNotActing } notActing)
        {
            return notActing;
        }
        if (await representation.SessionLoginAsync(actor.AccountId, actor.SessionId, http.RequestAborted).ConfigureAwait(false) is not { } own)
        {
            // The session is gone (signed out elsewhere): the cookie is worthless anyway.
            await http.SignOutAsync(PortalAuth.Scheme).ConfigureAwait(false);
            return null;
        }
        await SignInAsync(http, actor with { ActingForPersonId = null, RepresentativeId = null, AuthenticationId = own.AuthenticationId, Level = own.Level })
            .ConfigureAwait(false);
        return null;
    }

    private static async Task SignInAsync(HttpContext http, PortalActor actor)
    {
        // The same session (its id, its timeouts on the server) and the cookie properties of a login (ADR 0015).
        var identity = new ClaimsIdentity(actor.ToClaims(), PortalAuth.Scheme);
        await http.SignInAsync(PortalAuth.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true }).ConfigureAwait(false);
    }
}
