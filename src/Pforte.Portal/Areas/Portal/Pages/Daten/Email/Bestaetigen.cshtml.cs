using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.SelfService;
using Pforte.Portal.SelfService;
using FieldError = Pforte.Portal.FieldError;

namespace Pforte.Portal.Areas.Portal.Pages.Daten.Email;

/// <summary>
/// The link of the double opt-in. Opening it changes nothing (mail scanners open links); the button POSTs the token.
/// Public: the token is the proof, whoever is signed in on this browser.
/// </summary>
public sealed class BestaetigenModel(ConfirmContactEmail confirm) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public List<FieldError> Errors { get; private set; } = [];

    public string? Confirmed { get; private set; }

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await confirm.ExecuteAsync(Token, SelfServiceWeb.Public(HttpContext), HttpContext.RequestAborted);
        if (result.TryGetValue(out var done, out var error))
        {
            Confirmed = done.Address;
            Token = null;
        }
        else
        {
            Errors.Add(new FieldError(null, error.Message));
        }
        return Page();
    }
}
