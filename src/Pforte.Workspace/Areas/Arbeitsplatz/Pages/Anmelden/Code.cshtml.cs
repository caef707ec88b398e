using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Pforte.Core.Common;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Anmelden;

/// <summary>Staff sign-in, step 2: the authenticator app's code. Without a pending password step: back to step 1.</summary>
[AllowAnonymous]
[EnableRateLimiting(WorkspaceSurface.SignInLimit)]
public sealed class CodeModel(SignInStaff signIn, WorkspaceSignIn cookie, WorkspaceFlow flow) : WorkspacePageModel
{
    [BindProperty]
    public string? TotpCode { get; set; }

    public IActionResult OnGet() => flow.GetSignIn() is null ? Redirect(WorkspacePaths.SignIn) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (flow.GetSignIn() is not { } pending)
        {
            Add(null, new Error(ErrorCodes.StaffSignInExpired));
            return Page();
        }
        if (!Required(("totp", WorkspaceTexts.SignIn["FieldTotp"], TotpCode)))
        {
            return Page();
        }
        var login = await signIn.CompleteWithTotpAsync(pending.AccountId, TotpCode!.Trim(), cookie.Visitor(), HttpContext.RequestAborted);
        TotpCode = null;
        if (!login.TryGetValue(out var done, out var error))
        {
            Add(error.Code is ErrorCodes.StaffTotpFormat or ErrorCodes.StaffSecondFactorFailed ? "totp" : null, error);
            return Page();
        }
        flow.Clear(WorkspaceFlow.SignIn);
        await cookie.SignInAsync(done);
        return Redirect(WorkspacePaths.SafeReturn(pending.ReturnUrl));
    }
}
