using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Pforte.Core.Accounts;
using Pforte.Core.Common;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Anmelden;

/// <summary>Sign-in, step 2: the code of the authenticator app. Completes the login and opens the session.</summary>
[EnableRateLimiting(PortalAccountsSetup.SignInLimit)]
public sealed class CodeModel(SignInPortalAccount accounts, PortalFlowCookies flow, PortalSignIn signIn) : AccountPageModel
{
    [BindProperty]
    public string? TotpCode { get; set; }

    public IActionResult OnGet()
    {
        if (flow.GetSignIn() is null)
        {
            Add(null, new Error(ErrorCodes.AccountSignInExpired));
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (flow.GetSignIn() is not { } pending)
        {
            Add(null, new Error(ErrorCodes.AccountSignInExpired));
            return Page();
        }
        if (!Required(("totp", Texts.Accounts["FieldTotp"], TotpCode)))
        {
            return Page();
        }
        var login = await accounts.CompleteWithAuthenticatorAsync(pending.AccountId, TotpCode!.Trim(), signIn.Device, signIn.Visitor(), HttpContext.RequestAborted);
        TotpCode = null;
        if (!login.TryGetValue(out var done, out var error))
        {
            Add(error.Code is ErrorCodes.AccountTotpFormat or ErrorCodes.AccountSecondFactorFailed ? "totp" : null, error);
            return Page();
        }
        flow.Clear(PortalFlowCookies.SignIn);
        await signIn.SignInAsync(done);
        return Redirect(PortalPaths.SafeReturn(pending.ReturnUrl));
    }
}
