using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Pforte.Core.Accounts;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Konto;

/// <summary>"Aktivierungsbrief anfordern": the same answer whatever KVNR and card match (ADR 0015).</summary>
[EnableRateLimiting(PortalAccountsSetup.RegistrationLimit)]
public sealed class AktivierungsbriefModel(PortalKasse kasse, PortalActivationLetters letters, PortalSignIn signIn) : AccountPageModel
{
    [BindProperty]
    public string? Kvnr { get; set; }

    [BindProperty]
    public string? CardNumber { get; set; }

    public bool Sent { get; private set; }

    public async Task<IActionResult> OnPostAsync()
    {
        var brand = await kasse.CurrentAsync(HttpContext.RequestAborted);
        if (brand is null)
        {
            return NotFound();
        }
        if (!Required(("kvnr", Texts.Accounts["FieldKvnr"], Kvnr), ("karte", Texts.Accounts["FieldCardFull"], CardNumber)))
        {
            return Page();
        }
        if (await letters.RequestAsync(brand.Id, Kvnr!.Trim(), CardNumber!.Trim(), signIn.Ip, signIn.Visitor(), HttpContext.RequestAborted) is { } error)
        {
            Add(FieldOf(error, "kvnr", "karte", "karte"), error);
            return Page();
        }
        Sent = true;
        return Page();
    }
}
