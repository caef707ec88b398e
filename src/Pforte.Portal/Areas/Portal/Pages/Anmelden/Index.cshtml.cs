using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Pforte.Core.Accounts;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Anmelden;

/// <summary>Sign-in, step 1: user name and password (or a passkey alone). Every failure reads the same (PF-ACC-011).</summary>
[EnableRateLimiting(PortalAccountsSetup.SignInLimit)]
public sealed class IndexModel(PortalKasse kasse, SignInPortalAccount accounts, PortalPasskeys passkeys, PasskeyCeremonies ceremonies, PortalFlowCookies flow, PortalSignIn signIn) : AccountPageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnPostAsync()
    {
        var brand = await kasse.CurrentAsync(HttpContext.RequestAborted);
        if (brand is null)
        {
            return NotFound();
        }
        if (!Required(("benutzername", Texts.Accounts["FieldUserName"], UserName), ("passwort", Texts.Accounts["FieldPassword"], Password)))
        {
            return Page();
        }
        var checkedPassword = await accounts.CheckPasswordAsync(brand.Id, UserName, Password, signIn.Visitor(), HttpContext.RequestAborted);
        Password = null;
        if (!checkedPassword.TryGetValue(out var accountId, out var error))
        {
            Add(null, error);
            return Page();
        }
        flow.SetSignIn(new PendingSignIn(accountId, PortalPaths.SafeReturn(ReturnUrl)));
        return Redirect(PortalPaths.SecondFactor);
    }

    /// <summary>Options for a passkey sign-in: any passkey of this site on the device (no user name needed).</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync() =>
        Content(await ceremonies.RequestOptionsAsync(null, PasskeyCeremonies.SignIn), "application/json");

    /// <summary>A passkey alone signs in (two factors in one, ADR 0015).</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(string? credential)
    {
        var asserted = await ceremonies.AssertAsync(credential, PasskeyCeremonies.SignIn);
        if (!asserted.TryGetValue(out var found, out var error))
        {
            Add(null, error);
            return Page();
        }
        var login = await passkeys.SignInAsync(found.Account, found.Passkey, signIn.Device, signIn.Visitor(), HttpContext.RequestAborted);
        if (!login.TryGetValue(out var done, out var failed))
        {
            Add(null, failed);
            return Page();
        }
        await signIn.SignInAsync(done);
        return Redirect(PortalPaths.SafeReturn(ReturnUrl));
    }
}
