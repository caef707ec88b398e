using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.Portal;

namespace Pforte.Portal.Areas.Portal.Pages.Beratungscenter;

/// <summary>
/// The public Beratungscenter finder: the Kasse's branches with address and opening hours, narrowed by postcode or
/// town, and the six photo IDs to bring. A search form sent by GET: the result has an address of its own and needs no
/// antiforgery token (it changes nothing).
/// </summary>
public sealed class IndexModel(PortalKasse kasse, FindBranches finder) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "suche")]
    public string? Search { get; set; }

    public PortalBrand? Brand { get; private set; }

    public BranchFinderResult? Result { get; private set; }

    public IReadOnlyList<FieldError> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Brand = await kasse.CurrentAsync(HttpContext.RequestAborted);
        if (Brand is null)
        {
            return Page();
        }
        var found = await finder.ExecuteAsync(Brand.Id, Search, HttpContext.RequestAborted);
        if (!found.TryGetValue(out var result, out var error))
        {
            Errors = [new FieldError("suche", error.Message)];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            // The documents to bring are the same whatever was searched.
            Result = new BranchFinderResult([], FindBranches.DocumentsToBring);
            return Page();
        }
        Result = result;
        return Page();
    }

    /// <summary>The search text as shown back: trimmed, at most the field's length.</summary>
    public string? SearchShown => Search is null ? null : Core.Common.TextInput.Echo(Search.Trim());
}
