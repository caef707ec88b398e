using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages;

/// <summary>
/// Access denied after a sign-in that gives no workspace role (a company account whose roles map to none): 403, with
/// what to do. Nothing of the refused account is shown.
/// </summary>
[AllowAnonymous]
public sealed class ZugriffVerweigertModel : WorkspacePageModel
{
    public string Text { get; private set; } = "";

    /// <summary>Why the sign-in with a company account did not open the workspace.</summary>
    public string Help { get; private set; } = "";

    /// <summary>Why: <c>rolle</c> (no mapped role), <c>abgebrochen</c> (cancelled or refused at the provider) or <c>fehler</c> (the provider's answer did not work).</summary>
    [BindProperty(SupportsGet = true, Name = "grund")]
    public string? Reason { get; set; }

    public void OnGet()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Text = new Error(Reason switch
        {
            "fehler" => ErrorCodes.StaffOidcFailed,
            "abgebrochen" => ErrorCodes.StaffOidcCancelled,
            _ => ErrorCodes.StaffOidcRoleUnknown,
        }).Message;
        Help = WorkspaceTexts.Shell[Reason is "fehler" or "abgebrochen" ? "DeniedHelpRetry" : "DeniedHelp"];
    }
}
