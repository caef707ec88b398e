using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.Common;
using Pforte.Core.Portal;
using Pforte.Portal.History;

namespace Pforte.Portal.Areas.Portal.Pages.Vertretung;

/// <summary>
/// Switching to a represented person: a high-value action, so the page needs a fresh second factor
/// (<see cref="RequiresStepUpAttribute"/>: the GET comes back here after the step-up). The POST records a portal login
/// for the represented person with the representation and puts it into the cookie. A representation id that is not
/// the signed-in person's answers the portal's 404 page.
/// </summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
[RequiresStepUp]
public sealed class WechselnModel(PortalRepresentation representation) : PageModel
{
    public RepresentationOption? Option { get; private set; }

    public IReadOnlyList<FieldError> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? id) => await FindAsync(id) is { } notFound ? notFound : Page();

    public async Task<IActionResult> OnPostAsync(string? id)
    {
        if (await FindAsync(id) is { } notFound)
        {
            return notFound;
        }
        var actor = PortalActor.From(User)!;
        var started = await RepresentationSession.SwitchToAsync(HttpContext, actor, id);
        if (!started.TryGetValue(out var acting, out var error))
        {
            if (error.Code == ErrorCodes.PortalNotFound)
            {
                return NotFound();
            }
            Errors = [new FieldError(null, error.Message)];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        TempData["Done"] = Texts.Representation.Format("Switched", acting.Name);
        return Redirect("/portal/uebersicht");
    }

    private async Task<IActionResult?> FindAsync(string? id)
    {
        if (PortalActor.From(User) is not { } actor)
        {
            return Challenge(PortalAuth.Scheme);
        }
        var options = await representation.ListAsync(actor.KasseId, actor.PersonId, HttpContext.RequestAborted);
        Option = Guid.TryParse(id, out var rid) ? options.FirstOrDefault(o => o.RepresentativeId == rid) : null;
        return Option is null ? NotFound() : null;
    }
}
