using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.SelfService;
using Pforte.Portal.SelfService;
using FieldError = Pforte.Portal.FieldError;

namespace Pforte.Portal.Areas.Portal.Pages.Code;

/// <summary>
/// The public code change without an account (KVNR + card + current code + new code): the machine procedure's own
/// change on the portal channel, counted and throttled exactly like the API. Every failure reads alike (PF-MA-001);
/// only malformed input and a weak new code are told apart, as on the API.
/// </summary>
public sealed class AendernModel(PortalCodeChange change, PortalKasse kasse, IOptions<AuthCodeOptions> codeOptions) : PageModel
{
    [BindProperty]
    public string? Kvnr { get; set; }

    [BindProperty]
    public string? Card { get; set; }

    [BindProperty]
    public string? CurrentCode { get; set; }

    [BindProperty]
    public string? NewCode { get; set; }

    public List<FieldError> Errors { get; private set; } = [];

    public bool Changed { get; private set; }

    public bool NotSetUp { get; private set; }

    public int CardDigits => change.CardDigits;

    public int MaxFailures => codeOptions.Value.MaxFailures;

    public async Task OnGetAsync(string? erledigt)
    {
        NotSetUp = await kasse.CurrentAsync(HttpContext.RequestAborted) is null;
        Changed = erledigt == "ja";
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await kasse.CurrentAsync(HttpContext.RequestAborted) is not { } brand)
        {
            NotSetUp = true;
            return Page();
        }
        Errors = SelfServiceWeb.ForForm(PortalCodeChange.ValidatePublic(Kvnr, Card, CurrentCode, NewCode, CardDigits)
            .Select(e => e with { Field = e.Field == "code" ? "currentCode" : e.Field }));
        if (Errors.Count > 0)
        {
            return Page();
        }
        var clientId = await SelfServiceWeb.ClientIdAsync(HttpContext, brand.Id);
        var result = await change.PublicAsync(brand.Id, clientId, Kvnr, Card, CurrentCode, NewCode, SelfServiceWeb.Ip(HttpContext),
            SelfServiceWeb.Public(HttpContext), HttpContext.RequestAborted);
        if (!result.TryGetValue(out var outcome, out var error))
        {
            Errors.Add(new FieldError(SelfServiceWeb.FieldOf(error) is { } f ? (f == "code" ? "currentCode" : f) : null, error.Message));
            return Page();
        }
        switch (outcome.Status)
        {
            case ChangeStatus.Changed:
                return RedirectToPage(new { erledigt = "ja" });
            case ChangeStatus.Weak:
                Errors.Add(new FieldError("newCode", CodeErrors.Weak(outcome.WeakRule!)));
                break;
            case ChangeStatus.Throttled:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Errors.Add(new FieldError(null, new Error(ErrorCodes.MachineAuthThrottled).Message));
                break;
            case ChangeStatus.Failed:
            case ChangeStatus.Invalid:
                Errors.Add(new FieldError(null, new Error(ErrorCodes.MachineAuthFailed).Message));
                break;
            default:
                throw new InvalidOperationException();
        }
        // The codes are never sent back into the form.
        CurrentCode = null;
        NewCode = null;
        return Page();
    }
}
