using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Pforte.Core.Common;
using Pforte.Core.Staff;
using Pforte.Portal.Accounts;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Anmelden;

/// <summary>
/// Setting up the authenticator app after the password of an account that has no second factor yet (a new local
/// account): QR code and the key as text, then the first code completes the sign-in. A local account never opens the
/// workspace without a second factor.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(WorkspaceSurface.SignInLimit)]
public sealed class EinrichtenModel(SignInStaff signIn, WorkspaceSignIn cookie, WorkspaceFlow flow) : WorkspacePageModel
{
    [BindProperty]
    public string? TotpCode { get; set; }

    public StaffTotpEnrolment? Enrolment { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (flow.GetSignIn() is not { } pending)
        {
            return Redirect(WorkspacePaths.SignIn);
        }
        return await ShowAsync(pending);
    }

    /// <summary>The QR code as a PNG of this host (the CSP allows no data: images); never cached.</summary>
    public async Task<IActionResult> OnGetQrAsync()
    {
        if (flow.GetSignIn() is not { } pending
            || !(await signIn.BeginTotpEnrolmentAsync(pending.AccountId, HttpContext.RequestAborted)).TryGetValue(out var enrolment, out _))
        {
            return NotFound();
        }
        return File(QrCodes.Png(enrolment.Uri), "image/png");
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (flow.GetSignIn() is not { } pending)
        {
            Add(null, new Error(ErrorCodes.StaffSignInExpired));
            return Page();
        }
        if (!Required(("totp", WorkspaceTexts.SignIn["FieldTotp"], TotpCode)))
        {
            return await ShowAsync(pending);
        }
        var login = await signIn.ConfirmTotpEnrolmentAsync(pending.AccountId, TotpCode!.Trim(), cookie.Visitor(), HttpContext.RequestAborted);
        TotpCode = null;
        if (!login.TryGetValue(out var done, out var error))
        {
            Add(error.Code is ErrorCodes.StaffTotpFormat or ErrorCodes.StaffSecondFactorFailed ? "totp" : null, error);
            return await ShowAsync(pending);
        }
        flow.Clear(WorkspaceFlow.SignIn);
        await cookie.SignInAsync(done);
        return Redirect(WorkspacePaths.SafeReturn(pending.ReturnUrl));
    }

    private async Task<IActionResult> ShowAsync(PendingStaffSignIn pending)
    {
        var begun = await signIn.BeginTotpEnrolmentAsync(pending.AccountId, HttpContext.RequestAborted);
        if (!begun.TryGetValue(out var enrolment, out var error))
        {
            Add(null, error);
            return Page();
        }
        Enrolment = enrolment;
        return Page();
    }
}
