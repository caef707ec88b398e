using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Pforte.Portal.Areas.Portal.Pages;

/// <summary>
/// The portal's answer to an error status (re-executed by the status code pages): a German page that says only what
/// the person can do. A 404 reads the same whether the address never existed or belongs to someone else.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class FehlerModel : PageModel
{
    public string Title { get; private set; } = "";

    public string Text { get; private set; } = "";

    public void OnGet(int code) => Describe(code);

    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        var key = code is 400 or 404 or 413 or 429 ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "Other";
        Title = Texts.Shell["ErrorTitle" + key];
        Text = Texts.Shell["ErrorText" + key];
        // Only as a re-executed error page: asked for directly, it is itself not found.
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            Title = Texts.Shell["ErrorTitle404"];
            Text = Texts.Shell["ErrorText404"];
        }
    }
}
