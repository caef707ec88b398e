using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Pforte.Core.Common;
using Pforte.Core.Mailbox;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Core.Portal;
using Pforte.Portal.Mailbox;

namespace Pforte.Portal.Areas.Portal.Pages.Postfach;

/// <summary>
/// One conversation: its messages oldest first with their attachments, the reply form, and archiving. A thread id
/// that is unknown, malformed or somebody else's answers the portal's one 404 page (ADR 0019).
/// </summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class UnterhaltungModel(PersonMailbox mailbox, IOptions<AttachmentLimits> limits, IOptions<MailboxOptions> options, PortalRepresentation representation)
    : MailboxFormPageModel(limits, options, representation)
{
    protected override string BodyLabel => Texts.Mailbox["ReplyLabel"];

    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    /// <summary>What was just done (after a redirect): <c>gesendet</c>, <c>antwort</c>, <c>archiviert</c>, <c>zurueck</c>.</summary>
    [BindProperty(SupportsGet = true, Name = "erledigt")]
    public string? Done { get; set; }

    public ThreadView Thread { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync() => await ShowAsync() ?? Page();

    public async Task<IActionResult> OnPostAntwortAsync()
    {
        var (actor, stop) = await MailboxActorAsync();
        if (actor is null)
        {
            return stop!;
        }
        var files = await PostedFilesAsync();
        var replied = await mailbox.ReplyAsync(actor, Id, Body, files, HttpContext.RequestAborted);
        if (replied.TryGetValue(out _, out var error))
        {
            return Redirect($"/portal/postfach/{Id}?erledigt=antwort#antwort-gesendet");
        }
        if (error.Code == ErrorCodes.MailboxNotFound)
        {
            return NotFound();
        }
        Errors.Add(ToField(error));
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await ShowAsync() ?? Page();
    }

    public async Task<IActionResult> OnPostArchivAsync(bool archiv)
    {
        var (actor, stop) = await MailboxActorAsync();
        if (actor is null)
        {
            return stop!;
        }
        var result = await mailbox.SetArchivedAsync(actor, Id, archiv, HttpContext.RequestAborted);
        if (result.TryGetValue(out _, out var error))
        {
            return Redirect($"/portal/postfach/{Id}?erledigt={(archiv ? "archiviert" : "zurueck")}");
        }
        return error.Code == ErrorCodes.MailboxNotFound ? NotFound() : Refuse(error.Message, StatusCodes.Status400BadRequest);
    }

    /// <summary>Reads the thread (marks it read); null when the page can be shown, else the result to answer with.</summary>
    private async Task<IActionResult?> ShowAsync()
    {
        var (actor, stop) = await MailboxActorAsync();
        if (actor is null)
        {
            return stop!;
        }
        var read = await mailbox.ReadAsync(actor, Id, HttpContext.RequestAborted);
        if (!read.TryGetValue(out var thread, out var error))
        {
            return error.Code == ErrorCodes.MailboxNotFound ? NotFound() : Refuse(error.Message, StatusCodes.Status403Forbidden);
        }
        Thread = thread;
        return null;
    }
}
