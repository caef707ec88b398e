using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Pforte.Portal.Areas.Portal.Pages;

/// <summary>The public start page: sign in, register, and what works without an account.</summary>
public sealed class IndexModel(PortalKasse kasse) : PageModel
{
    public PortalBrand? Brand { get; private set; }

    public async Task OnGetAsync() => Brand = await kasse.CurrentAsync(HttpContext.RequestAborted);
}
