using Microsoft.AspNetCore.Authorization;
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
/// The signed-in person's code: its state, the change (the machine procedure's own, counted), a new code by post,
/// and the block. Everything here changes the code, so the second factor must be fresh (step-up). A representative
/// sees why the code is not theirs to touch (ADR 0016).
/// </summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
[RequiresStepUp]
public sealed class IndexModel(PortalCodeChange change, OrderNewCode order, GetMyData myData, IOptions<AuthCodeOptions> codeOptions) : PageModel
{
    private static readonly Dictionary<string, string> Messages = new(StringComparer.Ordinal)
    {
        ["geaendert"] = "Changed",
        ["angefordert"] = "OrderSent",
        ["gesperrt"] = "BlockSent",
        ["unterwegs"] = "AlreadyOnItsWay",
    };

    [BindProperty]
    public string? CurrentCode { get; set; }

    [BindProperty]
    public string? NewCode { get; set; }

    public List<FieldError> Errors { get; private set; } = [];

    public MyData Data { get; private set; } = null!;

    public string? Done { get; private set; }

    public bool Representing { get; private set; }

    public int MaxFailures => codeOptions.Value.MaxFailures;

    public async Task OnGetAsync(string? erledigt)
    {
        await LoadAsync();
        Done = erledigt is not null && Messages.TryGetValue(erledigt, out var key) ? Texts.Code[key] : null;
    }

    public async Task<IActionResult> OnPostChangeAsync()
    {
        var actor = PortalActor.From(User)!;
        await LoadAsync();
        if (Representing)
        {
            return Page();
        }
        Errors = SelfServiceWeb.ForForm(PortalCodeChange.ValidateCodes(CurrentCode, NewCode)
            .Select(e => e with { Field = e.Field == "code" ? "currentCode" : e.Field }));
        if (Errors.Count > 0)
        {
            return Page();
        }
        var clientId = await SelfServiceWeb.ClientIdAsync(HttpContext, actor.KasseId);
        var result = await change.ForPersonAsync(actor.KasseId, clientId, actor.SubjectPersonId, CurrentCode, NewCode, SelfServiceWeb.Ip(HttpContext),
            SelfServiceWeb.Audit(HttpContext, actor), HttpContext.RequestAborted);
        if (!result.TryGetValue(out var outcome, out var error))
        {
            Errors.Add(new FieldError(error.Code == ErrorCodes.MachineAuthFailed ? "currentCode" : null,
                error.Code == ErrorCodes.MachineAuthFailed ? Texts.Code["FailedSignedIn"] : error.Message));
            return Page();
        }
        switch (outcome.Status)
        {
            case ChangeStatus.Changed:
                return RedirectToPage(new { erledigt = "geaendert" });
            case ChangeStatus.Weak:
                Errors.Add(new FieldError("newCode", CodeErrors.Weak(outcome.WeakRule!)));
                break;
            case ChangeStatus.Throttled:
                Errors.Add(new FieldError(null, new Error(ErrorCodes.MachineAuthThrottled).Message));
                break;
            case ChangeStatus.Failed:
            case ChangeStatus.Invalid:
                Errors.Add(new FieldError("currentCode", Texts.Code["FailedSignedIn"]));
                break;
            default:
                throw new InvalidOperationException();
        }
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostOrderAsync() => OrderAsync(CodeOrderKind.Order);

    public Task<IActionResult> OnPostBlockAsync() => OrderAsync(CodeOrderKind.Block);

    private async Task<IActionResult> OrderAsync(CodeOrderKind kind)
    {
        var actor = PortalActor.From(User)!;
        await LoadAsync();
        if (Representing)
        {
            return Page();
        }
        var result = await order.ForPersonAsync(actor.KasseId, actor.SubjectPersonId, kind, SelfServiceWeb.Audit(HttpContext, actor), HttpContext.RequestAborted);
        if (!result.TryGetValue(out var done, out var error))
        {
            Errors.Add(new FieldError(null, error.Message));
            return Page();
        }
        var message = done.Status == CodeOrderStatus.AlreadyOnItsWay ? "unterwegs" : kind == CodeOrderKind.Block ? "gesperrt" : "angefordert";
        return RedirectToPage(new { erledigt = message });
    }

    private async Task LoadAsync()
    {
        var actor = PortalActor.From(User)!;
        Representing = actor.IsActingForSomeoneElse;
        Data = await myData.ExecuteAsync(actor.KasseId, actor.SubjectPersonId, HttpContext.RequestAborted);
    }

    public string StateText => Data.CodeState switch
    {
        AuthCodeState.Active => Texts.Code["StateActive"],
        AuthCodeState.Pending => Texts.Code["StatePending"],
        AuthCodeState.Locked => Texts.Code["StateLocked"],
        AuthCodeState.None => Texts.Code["StateNone"],
        _ => throw new InvalidOperationException(),
    };
}

/// <summary>The sentences of the code pages that come from Core's rules.</summary>
public static class CodeErrors
{
    /// <summary>PF-MA-009 with the rule explained in German (weak-codes.md).</summary>
    public static string Weak(string rule) => new Error(ErrorCodes.WeakCode, WeakCodeTexts.Describe(rule)).Message;
}
