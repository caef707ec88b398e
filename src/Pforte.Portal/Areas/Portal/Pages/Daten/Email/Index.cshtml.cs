using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.Common;
using Pforte.Core.SelfService;
using Pforte.Portal.SelfService;
using FieldError = Pforte.Portal.FieldError;

namespace Pforte.Portal.Areas.Portal.Pages.Daten.Email;

/// <summary>The contact e-mail address: step-up first, then a confirmation link to the address (double opt-in).</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
[RequiresStepUp]
public sealed class IndexModel(RequestContactEmail request, GetMyData myData, IMailSender mail) : PageModel
{
    [BindProperty]
    public string? Address { get; set; }

    public List<FieldError> Errors { get; private set; } = [];

    public string? Current { get; private set; }

    public bool NotConfigured => !mail.IsConfigured;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        var actor = PortalActor.From(User)!;
        if (RequestContactEmail.Validate(Address) is { } invalid)
        {
            Errors.Add(new FieldError("address", invalid.Message));
        }
        else
        {
            var confirmPage = $"{Request.Scheme}://{Request.Host}{Request.PathBase}/portal/daten/email/bestaetigen?token=";
            var result = await request.ExecuteAsync(actor.KasseId, actor.SubjectPersonId, Address, token => confirmPage + token,
                SelfServiceWeb.Audit(HttpContext, actor), HttpContext.RequestAborted);
            if (result.IsSuccess)
            {
                return RedirectToPage("/Daten/Index", new { erledigt = "email" });
            }
            Errors.Add(new FieldError(result.Error.Code == ErrorCodes.SelfEmailInvalid ? "address" : null, result.Error.Message));
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var actor = PortalActor.From(User)!;
        Current = (await myData.ExecuteAsync(actor.KasseId, actor.SubjectPersonId, HttpContext.RequestAborted)).ContactEmail;
    }
}
