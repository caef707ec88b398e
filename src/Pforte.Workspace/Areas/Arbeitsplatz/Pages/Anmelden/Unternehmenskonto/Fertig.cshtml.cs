using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Pforte.Core.Common;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Anmelden.Unternehmenskonto;

/// <summary>
/// Back from the provider: its answer (in the short-lived external cookie) becomes the staff record (created or
/// updated, roles mapped by configuration) and a workspace session; no mapped role → the access-denied page. Signed in,
/// it answers a short page that moves on to the workspace (meta refresh and a link), not a redirect: the way here began
/// at the provider, another site, and a browser sends no SameSite=Strict cookie on a redirect chain that began elsewhere.
/// </summary>
[AllowAnonymous]
public sealed class FertigModel(IOptions<WorkspaceOidcOptions> oidc, StaffProvisioning provisioning, WorkspaceSignIn cookie) : WorkspacePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Where the signed-in staff member goes next (a workspace path).</summary>
    public string Target { get; private set; } = WorkspacePaths.Home;

    public async Task<IActionResult> OnGetAsync()
    {
        if (!oidc.Value.Enabled)
        {
            return NotFound();
        }
        var external = await HttpContext.AuthenticateAsync(WorkspaceAuth.ExternalScheme);
        await HttpContext.SignOutAsync(WorkspaceAuth.ExternalScheme);
        if (!external.Succeeded || WorkspaceOidc.Identity(external.Principal, oidc.Value) is not { } identity)
        {
            return Redirect(WorkspacePaths.AccessDenied + "?grund=fehler");
        }
        var login = await provisioning.SignInAsync(identity, cookie.Visitor(), HttpContext.RequestAborted);
        if (!login.TryGetValue(out var done, out var error))
        {
            return Redirect(WorkspacePaths.AccessDenied + (error.Code == ErrorCodes.StaffOidcRoleUnknown ? "?grund=rolle" : "?grund=fehler"));
        }
        await cookie.SignInAsync(done);
        Target = WorkspacePaths.SafeReturn(ReturnUrl);
        return Page();
    }
}
