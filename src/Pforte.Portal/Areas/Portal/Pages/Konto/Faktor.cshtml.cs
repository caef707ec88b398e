using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Pforte.Core.Accounts;
using Pforte.Core.Common;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Konto;

/// <summary>"Konto anlegen", step 3: the second factor — an authenticator app (no JavaScript) or a passkey.</summary>
[EnableRateLimiting(PortalAccountsSetup.RegistrationLimit)]
public sealed class FaktorModel(RegisterPortalAccount register, SignInPortalAccount signInAccount, PortalPasskeys passkeys, PasskeyCeremonies ceremonies,
    Pforte.Core.Persistence.PforteDbContext db, PortalFlowCookies flow, PortalSignIn signIn, PortalKasse kasse) : AccountPageModel
{
    [BindProperty]
    public string? TotpCode { get; set; }

    /// <summary>The key to type in, grouped in fours for reading.</summary>
    public string? Key { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (flow.GetRegistration() is not { AccountId: not null } ticket)
        {
            return Redirect(PortalPaths.Register);
        }
        return await ShowAsync(ticket);
    }

    /// <summary>The QR code as a PNG of this host (the CSP allows no data: images).</summary>
    public async Task<IActionResult> OnGetQrAsync()
    {
        if (flow.GetRegistration() is not { AccountId: not null } ticket
            || !(await SetupAsync(ticket)).TryGetValue(out var setup, out _))
        {
            return NotFound();
        }
        var png = QrCodes.Png(setup.Uri);
        Response.Headers.CacheControl = "no-cache, no-store";
        return File(png, "image/png");
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (flow.GetRegistration() is not { AccountId: not null } ticket)
        {
            return Redirect(PortalPaths.Register);
        }
        if (!Required(("totp", Texts.Accounts["FieldTotp"], TotpCode)))
        {
            return await ShowAsync(ticket);
        }
        var done = await register.CompleteWithAuthenticatorAsync(ticket, TotpCode!.Trim(), signIn.Visitor(), HttpContext.RequestAborted);
        TotpCode = null;
        if (!done.TryGetValue(out var account, out var error))
        {
            Add(error.Code == ErrorCodes.AccountRegistrationExpired ? null : "totp", error);
            return await ShowAsync(ticket);
        }
        return await FinishAsync(account, Core.Authentication.PortalLoginFactors.Totp);
    }

    /// <summary>Options for the browser to create a passkey for the registration's account (JSON, passkey.js).</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync()
    {
        if (flow.GetRegistration() is not { AccountId: { } accountId } ticket
            || await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleOrDefaultAsync(
                db.PortalAccounts, a => a.Id == accountId && a.PersonId == ticket.PersonId && a.CompletedAt == null, HttpContext.RequestAborted) is not { } account)
        {
            return NotFound();
        }
        return Content(await ceremonies.CreationOptionsAsync(account, account.UserName!, PasskeyCeremonies.Registration), "application/json");
    }

    /// <summary>The browser's new passkey: verified, stored, and the account is complete.</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(string? credential)
    {
        if (flow.GetRegistration() is not { AccountId: { } accountId } ticket)
        {
            return Redirect(PortalPaths.Register);
        }
        var attested = await ceremonies.AttestAsync(credential, PasskeyCeremonies.Registration, accountId);
        if (!attested.TryGetValue(out var passkey, out var error))
        {
            Add(null, error);
            return await ShowAsync(ticket);
        }
        passkey.Name = PasskeyCeremonies.NameFor(signIn.Device);
        var done = await passkeys.CompleteRegistrationAsync(ticket, passkey, signIn.Visitor(), HttpContext.RequestAborted);
        if (!done.TryGetValue(out var account, out var failed))
        {
            Add(null, failed);
            return await ShowAsync(ticket);
        }
        return await FinishAsync(account, Core.Authentication.PortalLoginFactors.Passkey);
    }

    /// <summary>Signs the new account in and clears the registration.</summary>
    internal async Task<IActionResult> FinishAsync(PortalAccount account, string factor)
    {
        flow.Clear(PortalFlowCookies.Registration);
        var login = await signInAccount.AfterRegistrationAsync(account, factor, signIn.Device, signIn.Visitor(), HttpContext.RequestAborted);
        if (!login.TryGetValue(out var done, out var error))
        {
            Add(null, error);
            return Page();
        }
        await signIn.SignInAsync(done);
        return Redirect(PortalPaths.Home);
    }

    private async Task<IActionResult> ShowAsync(RegistrationTicket ticket)
    {
        if (!(await SetupAsync(ticket)).TryGetValue(out var setup, out var error))
        {
            flow.Clear(PortalFlowCookies.Registration);
            Add(null, error);
            return Page();
        }
        Key = string.Join(' ', setup.Key.Chunk(4).Select(c => new string(c)));
        return Page();
    }

    private async Task<Result<AuthenticatorSetup>> SetupAsync(RegistrationTicket ticket)
    {
        var brand = await kasse.CurrentAsync(HttpContext.RequestAborted);
        return await register.AuthenticatorAsync(ticket, brand?.Name ?? Texts.Shell["PortalName"], signIn.Visitor(), HttpContext.RequestAborted);
    }
}
