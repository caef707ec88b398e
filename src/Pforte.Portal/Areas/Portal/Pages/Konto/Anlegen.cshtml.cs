using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Pforte.Core.Accounts;
using Pforte.Core.AuthCodes;
using Pforte.Core.Disclosure;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Konto;

/// <summary>"Konto anlegen", step 1: the machine procedure on the portal channel (ADR 0015).</summary>
[EnableRateLimiting(PortalAccountsSetup.RegistrationLimit)]
public sealed class AnlegenModel(PortalKasse kasse, RegisterPortalAccount register, PortalFlowCookies flow, PortalSignIn signIn, IOptions<AuthCodeOptions> codeOptions) : AccountPageModel
{
    [BindProperty]
    public string? Kvnr { get; set; }

    [BindProperty]
    public string? CardNumber { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public int CardDigits => codeOptions.Value.CardDigitsFor(Channels.Portal);

    public async Task<IActionResult> OnPostAsync()
    {
        var brand = await kasse.CurrentAsync(HttpContext.RequestAborted);
        if (brand is null)
        {
            return NotFound();
        }
        if (!Required(("kvnr", Texts.Accounts["FieldKvnr"], Kvnr), ("karte", Texts.Accounts["FieldCard"], CardNumber), ("code", Texts.Accounts["FieldCode"], Code)))
        {
            return Page();
        }
        Kvnr = Kvnr!.Trim();
        if (!register.ParseCodeInput(Kvnr, CardNumber!.Trim(), Code!.Trim(), signIn.Ip).TryGetValue(out var request, out var invalid))
        {
            Add(FieldOf(invalid, "kvnr", "karte", "code"), invalid);
            return Page();
        }
        var ticket = await register.VerifyCodeAsync(brand.Id, request, signIn.Visitor(), HttpContext.RequestAborted);
        if (!ticket.TryGetValue(out var opened, out var failed))
        {
            Add(null, failed);
            Code = null;
            return Page();
        }
        flow.SetRegistration(opened);
        return Redirect(PortalPaths.RegisterCredentials);
    }
}
