using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Anmelden;

/// <summary>
/// Staff sign-in, step 1: user name and password (then the app's code, or its setup), or a passkey alone, or — when
/// configured — the company account. Every failure of the password step reads the same (PF-STAFF-001).
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(WorkspaceSurface.SignInLimit)]
public sealed class IndexModel(SignInStaff signIn, WorkspaceSignIn cookie, WorkspaceFlow flow, WorkspacePasskeys passkeys, IOptions<WorkspaceOidcOptions> oidc) : WorkspacePageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true, Name = "abgemeldet")]
    public bool SignedOut { get; set; }

    public bool OidcEnabled => oidc.Value.Enabled;

    public string OidcLabel => oidc.Value.DisplayName is { Length: > 0 } name ? name : WorkspaceTexts.SignIn["SignInOidc"];

    public IActionResult OnGet() => StaffOrNull is not null && !SignedOut ? Redirect(WorkspacePaths.SafeReturn(ReturnUrl)) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        SignedOut = false;
        if (!Required(("benutzername", WorkspaceTexts.SignIn["FieldUserName"], UserName), ("passwort", WorkspaceTexts.SignIn["FieldPassword"], Password)))
        {
            Password = null;
            return Page();
        }
        var checkedPassword = await signIn.CheckPasswordAsync(UserName, Password, cookie.Visitor(), HttpContext.RequestAborted);
        Password = null;
        if (!checkedPassword.TryGetValue(out var step, out var error))
        {
            Add(null, error);
            return Page();
        }
        flow.SetSignIn(new PendingStaffSignIn(step.AccountId, WorkspacePaths.SafeReturn(ReturnUrl)));
        return Redirect(step.NeedsSecondFactor ? WorkspacePaths.Enrol : WorkspacePaths.SecondFactor);
    }

    /// <summary>Options for a passkey sign-in: any passkey of this site on the device.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync() =>
        Content(await passkeys.RequestOptionsAsync(null, WorkspacePasskeys.SignIn), "application/json");

    /// <summary>A passkey alone signs in (two factors in one).</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(string? credential)
    {
        var login = await passkeys.SignInAsync(credential, cookie.Visitor(), HttpContext.RequestAborted);
        if (!login.TryGetValue(out var done, out var error))
        {
            Add(null, error);
            return Page();
        }
        await cookie.SignInAsync(done);
        return Redirect(WorkspacePaths.SafeReturn(ReturnUrl));
    }
}
