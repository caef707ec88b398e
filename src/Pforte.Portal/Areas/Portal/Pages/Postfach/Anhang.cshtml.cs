using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;
using Pforte.Core.Mailbox;
using Pforte.Core.Portal;
using Pforte.Portal.Mailbox;

namespace Pforte.Portal.Areas.Portal.Pages.Postfach;

/// <summary>
/// One attachment, decrypted, as a download (never shown inline: the browser must not render a PDF or an image of
/// the person's under the portal's origin). Unknown, malformed or somebody else's ids answer the one 404 page.
/// </summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class AnhangModel(PersonMailbox mailbox, PortalRepresentation representation) : MailboxPageModel(representation)
{
    public async Task<IActionResult> OnGetAsync(string? id, string? attachment)
    {
        var (actor, stop) = await MailboxActorAsync();
        if (actor is null)
        {
            return stop!;
        }
        var content = await mailbox.AttachmentAsync(actor, id, attachment, HttpContext.RequestAborted);
        if (content.TryGetValue(out var file, out var error))
        {
            Response.Headers["Content-Security-Policy"] = "default-src 'none'; sandbox";
            return File(file.Content, file.ContentType, file.FileName);
        }
        return error.Code == ErrorCodes.MailboxNotFound ? NotFound() : Refuse(error.Message, StatusCodes.Status403Forbidden);
    }
}
