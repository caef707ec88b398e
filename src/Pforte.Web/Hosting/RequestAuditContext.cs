using System.Security.Claims;
using Pforte.Core.Audit;

namespace Pforte.Web.Hosting;

public static class RequestAuditContext
{
    /// <summary>The audit context of an API request: the calling client, its IP and the request's correlation id.</summary>
    /// <param name="sourceIp">The end user's address as the calling system reports it (a portal back end); else the caller's own.</param>
    public static AuditContext ForClient(HttpContext http, string? channel = null, string? callerId = null, string? callId = null, string? sourceIp = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var clientId = http.User.FindFirstValue(PforteClaims.ClientId) ?? "anonymous";
        return new AuditContext(
            ActorKind.Client,
            $"client:{clientId}",
            Channel: channel ?? "api",
            SourceIp: sourceIp ?? http.Connection.RemoteIpAddress?.ToString(),
            SourceCallerId: callerId,
            SourceCallId: callId,
            CorrelationId: CorrelationId.Get(http));
    }
}
