using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.SelfService;
using Pforte.Portal.SelfService;
using FieldError = Pforte.Portal.FieldError;

namespace Pforte.Portal.Areas.Portal.Pages.Code;

/// <summary>
/// A new code by post without an account (KVNR + card + birth date). Every outcome shows the same page (no
/// enumeration); a mismatch counts against the source IP, and a throttled source gets 429 (ADR 0016).
/// </summary>
public sealed class AnfordernModel(OrderNewCode order, PortalCodeChange change, PortalKasse kasse) : PageModel
{
    [BindProperty]
    public string? Kvnr { get; set; }

    [BindProperty]
    public string? Card { get; set; }

    [BindProperty]
    public string? BirthDate { get; set; }

    public List<FieldError> Errors { get; private set; } = [];

    public bool Sent { get; private set; }

    public bool NotSetUp { get; private set; }

    public int CardDigits => change.CardDigits;

    public async Task OnGetAsync(string? erledigt)
    {
        NotSetUp = await kasse.CurrentAsync(HttpContext.RequestAborted) is null;
        Sent = erledigt == "ja";
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await kasse.CurrentAsync(HttpContext.RequestAborted) is not { } brand)
        {
            NotSetUp = true;
            return Page();
        }
        Errors = SelfServiceWeb.ForForm(OrderNewCode.ValidatePublic(Kvnr, Card, BirthDate, CardDigits));
        if (Errors.Count > 0)
        {
            return Page();
        }
        var clientId = await SelfServiceWeb.ClientIdAsync(HttpContext, brand.Id);
        var result = await order.PublicAsync(brand.Id, clientId, Kvnr, Card, BirthDate, SelfServiceWeb.Ip(HttpContext), SelfServiceWeb.Public(HttpContext), HttpContext.RequestAborted);
        if (!result.TryGetValue(out _, out var error))
        {
            if (error.Code == Pforte.Core.Common.ErrorCodes.MachineAuthThrottled)
            {
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
            }
            Errors.Add(new FieldError(SelfServiceWeb.FieldOf(error), error.Message));
            return Page();
        }
        return RedirectToPage(new { erledigt = "ja" });
    }
}
