using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Mailbox;
using Pforte.Core.Portal;
using Pforte.Portal.Mailbox;

namespace Pforte.Portal.Areas.Portal.Pages.Postfach;

/// <summary>"Elektronische Zustellung": documents of the Kasse into the mailbox instead of by post — opt in, opt out (both audited).</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class ZustellungModel(PersonMailbox mailbox, PortalRepresentation representation) : MailboxPageModel(representation)
{
    [BindProperty(SupportsGet = true, Name = "erledigt")]
    public string? Done { get; set; }

    public bool OptedIn { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var (actor, stop) = await MailboxActorAsync();
        if (actor is null)
        {
            return stop!;
        }
        var state = await mailbox.ElectronicDeliveryAsync(actor, HttpContext.RequestAborted);
        if (!state.TryGetValue(out var optedIn, out var error))
        {
            return Refuse(error.Message, StatusCodes.Status403Forbidden);
        }
        OptedIn = optedIn;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(bool ein)
    {
        var (actor, stop) = await MailboxActorAsync();
        if (actor is null)
        {
            return stop!;
        }
        var set = await mailbox.SetElectronicDeliveryAsync(actor, ein, HttpContext.RequestAborted);
        if (!set.TryGetValue(out var optedIn, out var error))
        {
            return Refuse(error.Message, StatusCodes.Status403Forbidden);
        }
        return Redirect("/portal/postfach/zustellung?erledigt=" + (optedIn ? "ein" : "aus"));
    }
}
