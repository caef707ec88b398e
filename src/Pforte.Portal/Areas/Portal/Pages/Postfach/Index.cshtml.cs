using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Mailbox;
using Pforte.Core.Portal;
using Pforte.Portal.Mailbox;

namespace Pforte.Portal.Areas.Portal.Pages.Postfach;

/// <summary>The mailbox: inbox or archive, newest first, 25 a page, with a search in the person's own messages (ADR 0019).</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class IndexModel(PersonMailbox mailbox, PortalRepresentation representation) : MailboxPageModel(representation)
{
    [BindProperty(SupportsGet = true, Name = "archiv")]
    public bool Archived { get; set; }

    [BindProperty(SupportsGet = true, Name = "suche")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "aelter")]
    public string? Older { get; set; }

    /// <summary>What was just done (after a redirect): <c>gesendet</c>.</summary>
    [BindProperty(SupportsGet = true, Name = "erledigt")]
    public string? Done { get; set; }

    public InboxPage Inbox { get; private set; } = new([], null, 0);

    public async Task<IActionResult> OnGetAsync()
    {
        var (actor, stop) = await MailboxActorAsync();
        if (actor is null)
        {
            return stop!;
        }
        var search = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim();
        var page = await mailbox.ListAsync(actor, new InboxQuery(Archived, search, Older), HttpContext.RequestAborted);
        if (!page.TryGetValue(out var inbox, out var error))
        {
            return Refuse(error.Message, StatusCodes.Status400BadRequest);
        }
        Search = search;
        Inbox = inbox;
        return Page();
    }

    /// <summary>The address of this list with another cursor (keeps folder and search).</summary>
    public string Link(string? older)
    {
        var query = new List<string>();
        if (Archived)
        {
            query.Add("archiv=true");
        }
        if (Search is { Length: > 0 } search)
        {
            query.Add("suche=" + Uri.EscapeDataString(search));
        }
        if (older is not null)
        {
            query.Add("aelter=" + Uri.EscapeDataString(older));
        }
        return "/portal/postfach" + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }

}
