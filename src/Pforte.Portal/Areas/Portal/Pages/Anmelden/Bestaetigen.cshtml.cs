using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Pforte.Core.Accounts;
using Pforte.Core.Common;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Anmelden;

/// <summary>
/// Step-up (<see cref="PortalAuth.StepUpPath"/>): the second factor again before a high-value action; sets
/// <c>StepUpAt</c> in the cookie and returns to the page that asked. A wrong code counts towards the lockout.
/// </summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
[EnableRateLimiting(PortalAccountsSetup.SignInLimit)]
public sealed class BestaetigenModel(SignInPortalAccount accounts, PortalPasskeys passkeys, PasskeyCeremonies ceremonies, Pforte.Core.Persistence.PforteDbContext db, PortalSignIn signIn) : AccountPageModel
{
    [BindProperty]
    public string? TotpCode { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnPostAsync()
    {
        var actor = PortalActor.From(User)!;
        if (!Required(("totp", Texts.Accounts["FieldTotp"], TotpCode)))
        {
            return Page();
        }
        var confirmed = await accounts.StepUpWithAuthenticatorAsync(actor.AccountId, actor.SessionId, TotpCode!.Trim(), signIn.Person(actor), HttpContext.RequestAborted);
        TotpCode = null;
        if (!confirmed.TryGetValue(out var at, out var error))
        {
            Add(error.Code is ErrorCodes.AccountTotpFormat or ErrorCodes.AccountSecondFactorFailed ? "totp" : null, error);
            return Page();
        }
        await signIn.RenewStepUpAsync(actor, at);
        return Redirect(PortalPaths.SafeReturn(ReturnUrl));
    }

    /// <summary>Options for the signed-in account's own passkeys.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync()
    {
        var actor = PortalActor.From(User)!;
        var account = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.PortalAccounts, a => a.Id == actor.AccountId, HttpContext.RequestAborted);
        return Content(await ceremonies.RequestOptionsAsync(account, PasskeyCeremonies.StepUp), "application/json");
    }

    public async Task<IActionResult> OnPostPasskeyAsync(string? credential)
    {
        var actor = PortalActor.From(User)!;
        var asserted = await ceremonies.AssertAsync(credential, PasskeyCeremonies.StepUp);
        if (!asserted.TryGetValue(out var found, out var error))
        {
            Add(null, error);
            return Page();
        }
        var confirmed = await passkeys.StepUpAsync(actor.AccountId, actor.SessionId, found.Account, found.Passkey, signIn.Person(actor), HttpContext.RequestAborted);
        if (!confirmed.TryGetValue(out var at, out var failed))
        {
            Add(null, failed);
            return Page();
        }
        await signIn.RenewStepUpAsync(actor, at);
        return Redirect(PortalPaths.SafeReturn(ReturnUrl));
    }
}
