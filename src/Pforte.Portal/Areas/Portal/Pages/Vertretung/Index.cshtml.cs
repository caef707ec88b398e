using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.Common;
using Pforte.Core.Portal;
using Pforte.Portal.History;

namespace Pforte.Portal.Areas.Portal.Pages.Vertretung;

/// <summary>
/// The persons the signed-in person represents, with why a switch is not possible today; while acting for someone,
/// the way back to the own account. The switch itself is the page <c>Wechseln</c> (after a step-up).
/// </summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class IndexModel(PortalRepresentation representation) : PageModel
{
    public IReadOnlyList<RepresentationOption> Options { get; private set; } = [];

    public ActingFor? Acting { get; private set; }

    public IReadOnlyList<FieldError> Errors { get; private set; } = [];

    /// <summary>What the last switch did ("Sie handeln jetzt für …"), shown once after the redirect.</summary>
    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (PortalActor.From(User) is not { } actor)
        {
            return Challenge(PortalAuth.Scheme);
        }
        await LoadAsync(actor);
        return Page();
    }

    /// <summary>Back to the own account: the cookie again carries the person's own login.</summary>
    public async Task<IActionResult> OnPostZurueckAsync()
    {
        if (PortalActor.From(User) is not { } actor)
        {
            return Challenge(PortalAuth.Scheme);
        }
        var ended = await RepresentationSession.SwitchBackAsync(HttpContext, actor);
        if (ended is { } error && error.Code != ErrorCodes.RepresentationNotActing)
        {
            Errors = [new FieldError(null, error.Message)];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(actor);
            return Page();
        }
        Done = Texts.Representation["SwitchedBack"];
        return Redirect("/portal/vertretung");
    }

    private async Task LoadAsync(PortalActor actor)
    {
        Options = await representation.ListAsync(actor.KasseId, actor.PersonId, HttpContext.RequestAborted);
        if (actor.RepresentativeId is { } acting && Options.FirstOrDefault(o => o.RepresentativeId == acting) is { } option)
        {
            Acting = new ActingFor(option.RepresentativeId, option.PersonId, "", option.GivenName, option.FamilyName, option.Kind);
            ViewData["ActingForName"] = Acting.Name;
        }
    }

    public static string Validity(RepresentationOption option) =>
        Texts.Representation.Format("ValidRange", option.ValidFrom.ToDateTime(TimeOnly.MinValue),
            option.ValidTo is { } to ? to.ToString("dd.MM.yyyy", TextSet.German) : Texts.Representation["Unlimited"]);
}
