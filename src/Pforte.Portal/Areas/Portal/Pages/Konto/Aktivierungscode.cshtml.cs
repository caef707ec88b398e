using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Pforte.Core.Accounts;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Konto;

/// <summary>"Konto anlegen" step 1 with the activation letter's code instead of the authentication code.</summary>
[EnableRateLimiting(PortalAccountsSetup.RegistrationLimit)]
public sealed class AktivierungscodeModel(PortalKasse kasse, PortalActivationLetters letters, PortalFlowCookies flow, PortalSignIn signIn) : AccountPageModel
{
    [BindProperty]
    public string? Kvnr { get; set; }

    [BindProperty]
    public string? CardNumber { get; set; }

    [BindProperty]
    public string? ActivationCode { get; set; }

    public async Task<IActionResult> OnPostAsync()
    {
        var brand = await kasse.CurrentAsync(HttpContext.RequestAborted);
        if (brand is null)
        {
            return NotFound();
        }
        if (!Required(("kvnr", Texts.Accounts["FieldKvnr"], Kvnr), ("karte", Texts.Accounts["FieldCardFull"], CardNumber), ("aktivierungscode", Texts.Accounts["FieldActivationCode"], ActivationCode)))
        {
            return Page();
        }
        var ticket = await letters.RedeemAsync(brand.Id, Kvnr!.Trim(), CardNumber!.Trim(), ActivationCode, signIn.Ip, signIn.Visitor(), HttpContext.RequestAborted);
        ActivationCode = null;
        if (!ticket.TryGetValue(out var opened, out var error))
        {
            Add(FieldOf(error, "kvnr", "karte", "aktivierungscode"), error);
            return Page();
        }
        flow.SetRegistration(opened);
        return Redirect(PortalPaths.RegisterCredentials);
    }
}
