using System.Security.Claims;
using Pforte.Core.Audit;

namespace Pforte.Web.Hosting;

public static class RequestAuditContext
{
    /// <summary>The audit context of an API request: the calling client, its IP and the request's correlation id.</summary>
    public static AuditContext ForClient(HttpContext http, string? channel = null, string? callerId = null, string? callId = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var clientId = http.User.FindFirstValue(PforteClaims.ClientId) ?? "anonymous";
        return new AuditContext(
            ActorKind.Client,
            $"client:{clientId}",
            Channel: channel ?? "api",
            SourceIp: http.Connection.RemoteIpAddress?.ToString(),
            SourceCallerId: callerId,
            SourceCallId: callId,
            CorrelationId: CorrelationId.Get(http));
    }
}
