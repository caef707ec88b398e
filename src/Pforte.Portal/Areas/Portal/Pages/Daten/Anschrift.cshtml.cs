using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Pforte.Core.Common;
using Pforte.Core.SelfService;
using Pforte.Portal.SelfService;
using FieldError = Pforte.Portal.FieldError;

namespace Pforte.Portal.Areas.Portal.Pages.Daten;

/// <summary>The address change with its effective date (domain.md §4; step-up first; letters to the new and the old address).</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
[RequiresStepUp]
public sealed class AnschriftModel(ChangeAddress change, GetMyData myData, IOptions<SelfServiceOptions> options, TimeProvider clock) : PageModel
{
    [BindProperty]
    public string? Street { get; set; }

    [BindProperty]
    public string? HouseNumber { get; set; }

    [BindProperty]
    public string? PostalCode { get; set; }

    [BindProperty]
    public string? City { get; set; }

    [BindProperty]
    public string? EffectiveOn { get; set; }

    public List<FieldError> Errors { get; private set; } = [];

    public MyData Data { get; private set; } = null!;

    public SelfServiceOptions Limits => options.Value;

    public async Task OnGetAsync()
    {
        await LoadAsync();
        EffectiveOn = IndexModel.Date(BerlinCalendar.Today(clock));
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var actor = PortalActor.From(User)!;
        var input = new NewAddress(Street, HouseNumber, PostalCode, City, EffectiveOn);
        Errors = SelfServiceWeb.ForForm(ChangeAddress.Validate(input, BerlinCalendar.Today(clock), options.Value));
        if (Errors.Count == 0)
        {
            var result = await change.ExecuteAsync(actor.KasseId, actor.SubjectPersonId, input, SelfServiceWeb.Audit(HttpContext, actor), HttpContext.RequestAborted);
            if (result.TryGetValue(out var done, out var error))
            {
                return RedirectToPage("Index", new { erledigt = done.Applied ? "anschrift" : "umzug" });
            }
            Errors.Add(new FieldError(error.Code == ErrorCodes.SelfAddressUnchanged ? "street" : null, error.Message));
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var actor = PortalActor.From(User)!;
        Data = await myData.ExecuteAsync(actor.KasseId, actor.SubjectPersonId, HttpContext.RequestAborted);
    }
}
