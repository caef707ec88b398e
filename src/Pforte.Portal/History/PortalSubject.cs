using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Portal;

namespace Pforte.Portal.History;

/// <summary>Whose data a signed-in page shows, and as whom it audits: the person, or the represented person while acting for one.</summary>
/// <param name="Actor">The signed-in person as the cookie says.</param>
/// <param name="PersonId">The person whose data the page shows.</param>
/// <param name="Acting">The checked representation while acting for someone.</param>
/// <param name="SourceIp">The caller's address, for the audit record.</param>
public sealed record PortalSubject(PortalActor Actor, Guid PersonId, ActingFor? Acting, string? SourceIp)
{
    public Guid KasseId => Actor.KasseId;

    /// <summary>The audit actor: the person, or "the representation for the represented person" (ADR 0017).</summary>
    public AuditContext Audit => PortalAudit.Context(Actor.PersonId, Acting?.RepresentativeId, SourceIp, Actor.SessionId.ToString());

    /// <summary>
    /// Reads the actor and, while acting for someone, checks the representation again (it may have ended since the
    /// switch) for <paramref name="requestKind"/>, and tells the layout whom the person acts for. Null without a
    /// complete sign-in.
    /// </summary>
    public static async Task<Result<PortalSubject>?> ResolveAsync(HttpContext http, PortalRepresentation representation, string requestKind, ViewDataDictionary viewData)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(representation);
        ArgumentNullException.ThrowIfNull(viewData);
        if (PortalActor.From(http.User) is not { } actor)
        {
            return null;
        }
        var ip = http.Connection.RemoteIpAddress?.ToString();
        if (actor.RepresentativeId is not { } representativeId)
        {
            return new PortalSubject(actor, actor.PersonId, null, ip);
        }
        var checkedRepresentation = await representation.CheckAsync(actor.KasseId, actor.PersonId, representativeId, requestKind, http.RequestAborted).ConfigureAwait(false);
        if (!checkedRepresentation.TryGetValue(out var acting, out var error))
        {
            return error;
        }
        viewData["ActingForName"] = acting.Name;
        return new PortalSubject(actor, acting.PersonId, acting, ip);
    }
}
