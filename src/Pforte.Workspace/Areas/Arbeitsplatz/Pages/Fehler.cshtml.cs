using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages;

/// <summary>
/// The workspace's answer to an error status (re-executed by the status code pages): 403 (the role does not open the
/// page), 404, 400, 429, 500 — in German, without details. Asked for directly, it is itself not found.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class FehlerModel : PageModel
{
    public string Title { get; private set; } = "";

    public string Text { get; private set; } = "";

    public void OnGet(int code) => Describe(code);

    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null
            && HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>() is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            code = 404;
        }
        var key = code is 400 or 403 or 404 or 413 or 429 ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "Other";
        Title = WorkspaceTexts.Shell["ErrorTitle" + key];
        Text = WorkspaceTexts.Shell["ErrorText" + key];
    }
}
