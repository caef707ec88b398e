using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Anmelden;

/// <summary>"Mit Unternehmenskonto anmelden": sends the browser to the provider (authorization code + PKCE).</summary>
[AllowAnonymous]
[EnableRateLimiting(WorkspaceSurface.SignInLimit)]
public sealed class UnternehmenskontoModel(IOptions<WorkspaceOidcOptions> oidc) : WorkspacePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>A GET (a link from the sign-in page): the CSP's form-action would stop a form's redirect to the provider.</summary>
    public IActionResult OnGet()
    {
        if (!oidc.Value.Enabled)
        {
            return NotFound();
        }
        var done = WorkspacePaths.OidcDone + "?returnUrl=" + Uri.EscapeDataString(WorkspacePaths.SafeReturn(ReturnUrl));
        return Challenge(new AuthenticationProperties { RedirectUri = done }, WorkspaceAuth.OidcScheme);
    }
}
