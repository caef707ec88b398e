using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Pforte.Core.Accounts;
using Pforte.Core.Common;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Konto;

/// <summary>"Konto anlegen", step 2: user name and password.</summary>
[EnableRateLimiting(PortalAccountsSetup.RegistrationLimit)]
public sealed class ZugangsdatenModel(RegisterPortalAccount register, PortalFlowCookies flow, PortalSignIn signIn) : AccountPageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? PasswordRepeat { get; set; }

    public IActionResult OnGet() => flow.GetRegistration() is null ? Redirect(PortalPaths.Register) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (flow.GetRegistration() is not { } ticket)
        {
            return Redirect(PortalPaths.Register);
        }
        if (!Required(("benutzername", Texts.Accounts["FieldUserName"], UserName), ("passwort", Texts.Accounts["FieldPassword"], Password),
            ("passwort2", Texts.Accounts["FieldPasswordRepeat"], PasswordRepeat)))
        {
            return Page();
        }
        var result = await register.SetCredentialsAsync(ticket, UserName, Password, PasswordRepeat, signIn.Visitor(), HttpContext.RequestAborted);
        Password = null;
        PasswordRepeat = null;
        if (!result.TryGetValue(out var next, out var error))
        {
            if (error.Code == ErrorCodes.AccountRegistrationExpired)
            {
                flow.Clear(PortalFlowCookies.Registration);
            }
            Add(error.Code switch
            {
                ErrorCodes.AccountUserNameInvalid or ErrorCodes.AccountUserNameTaken => "benutzername",
                ErrorCodes.AccountPasswordMismatch => "passwort2",
                ErrorCodes.AccountRegistrationExpired => null,
                _ => "passwort",
            }, error);
            return Page();
        }
        flow.SetRegistration(next);
        return Redirect(PortalPaths.RegisterSecondFactor);
    }
}
