using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.SelfService;
using Pforte.Portal.SelfService;
using FieldError = Pforte.Portal.FieldError;

namespace Pforte.Portal.Areas.Portal.Pages.Daten;

/// <summary>Bank details: IBAN with check digits, account holder; step-up first; a confirmation letter (ADR 0016).</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
[RequiresStepUp]
public sealed class BankverbindungModel(ChangeBankDetails change) : PageModel
{
    [BindProperty]
    public string? Iban { get; set; }

    [BindProperty]
    public string? AccountHolder { get; set; }

    public List<FieldError> Errors { get; private set; } = [];

    public async Task<IActionResult> OnPostAsync()
    {
        var actor = PortalActor.From(User)!;
        Errors = SelfServiceWeb.ForForm(ChangeBankDetails.Validate(Iban, AccountHolder));
        if (Errors.Count == 0)
        {
            var result = await change.ExecuteAsync(actor.KasseId, actor.SubjectPersonId, Iban, AccountHolder, SelfServiceWeb.Audit(HttpContext, actor), HttpContext.RequestAborted);
            if (result.IsSuccess)
            {
                return RedirectToPage("Index", new { erledigt = "bank" });
            }
            Errors.Add(new FieldError(null, result.Error.Message));
        }
        return Page();
    }
}
