using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pforte.Core.Mailbox.Attachments;

namespace Pforte.Portal;

/// <summary>
/// The portal's forms that carry files — the mailbox's compose and reply forms and the contact form — and how large
/// their body may be: the files the attachment limits allow (<c>Pforte:Mailbox:Attachments</c>, ADR 0020) and room
/// for the fields and the multipart boundaries. Every other request stays as small as the host's default.
/// </summary>
public static class PortalUploads
{
    /// <summary>Room for the text fields and the multipart boundaries around the files.</summary>
    public const long Slack = 1024 * 1024;

    /// <summary><c>/portal/postfach/…</c> (compose, a conversation's reply) and <c>/portal/kontakt</c>, when posted.</summary>
    public static bool Is(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsPost(request.Method)
            && (request.Path.StartsWithSegments(PortalSurface.PathPrefix + "/postfach", StringComparison.OrdinalIgnoreCase)
                || request.Path.Equals(PortalSurface.PathPrefix + "/kontakt", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The largest body of an upload form, in bytes.</summary>
    public static long Limit(IServiceProvider services)
    {
        var limits = services.GetRequiredService<IOptions<AttachmentLimits>>().Value;
        return (limits.MaxBytes * limits.MaxPerMessage) + Slack;
    }
}
