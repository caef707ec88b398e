using Microsoft.AspNetCore.Http;
using Pforte.Portal;

namespace Pforte.Web.Hosting;

/// <summary>
/// How large a request body may be, decided before a byte is read: small everywhere (the API takes small JSON
/// documents, the portal's forms a few fields), large only for the few requests that carry files — the portal's
/// upload forms (<see cref="PortalUploads"/>, multipart) and the staff API's replies and documents (Base64 in JSON) —
/// and there exactly as large as the attachment limits allow (<c>Pforte:Mailbox:Attachments</c>, ADR 0020).
/// </summary>
public static class RequestBodyLimits
{
    /// <summary>Everything that carries no file.</summary>
    public const long Default = 64 * 1024;

    public static long For(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (PortalUploads.Is(context.Request))
        {
            return PortalUploads.Limit(context.RequestServices);
        }
        if (!HttpMethods.IsPost(context.Request.Method) || !IsApiUpload(context.Request.Path))
        {
            return Default;
        }
        // Base64 makes four characters of three bytes.
        var files = PortalUploads.Limit(context.RequestServices) - PortalUploads.Slack;
        return ((files + 2) / 3 * 4) + PortalUploads.Slack;
    }

    /// <summary>The staff API's calls with files: <c>POST /api/v1/mailbox/threads/{id}/replies</c>, <c>POST /api/v1/insured/{kvnr}/mailbox/documents</c>.</summary>
    public static bool IsApiUpload(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is ["api", "v1", "mailbox", "threads", _, "replies"] or ["api", "v1", "insured", _, "mailbox", "documents"];
    }
}
