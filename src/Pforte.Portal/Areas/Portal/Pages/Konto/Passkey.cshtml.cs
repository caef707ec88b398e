using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Accounts;
using Pforte.Core.Persistence;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Konto;

/// <summary>Adding and removing passkeys: changes of how the person signs in, so after step-up.</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
[RequiresStepUp]
public sealed class PasskeyModel(PforteDbContext db, PortalPasskeys passkeys, PasskeyCeremonies ceremonies, PortalSignIn signIn) : AccountPageModel
{
    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnPostOptionsAsync()
    {
        var actor = PortalActor.From(User)!;
        var account = await db.PortalAccounts.AsNoTracking().SingleAsync(a => a.Id == actor.AccountId, HttpContext.RequestAborted);
        return Content(await ceremonies.CreationOptionsAsync(account, account.UserName!, PasskeyCeremonies.Add), "application/json");
    }

    public async Task<IActionResult> OnPostAsync(string? credential)
    {
        var actor = PortalActor.From(User)!;
        var attested = await ceremonies.AttestAsync(credential, PasskeyCeremonies.Add, actor.AccountId);
        var added = attested.TryGetValue(out var passkey, out var error)
            ? await passkeys.AddAsync(actor.AccountId, passkey, PasskeyCeremonies.NameFor(signIn.Device), signIn.Person(actor), HttpContext.RequestAborted)
            : error;
        if (!added.IsSuccess)
        {
            Add(null, added.Error!);
            return Page();
        }
        Notice = Texts.Accounts["SecurityPasskeyAdded"];
        return Redirect(PortalPaths.Security);
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? credential)
    {
        var actor = PortalActor.From(User)!;
        var removed = await passkeys.RemoveAsync(actor.AccountId, credential, signIn.Person(actor), HttpContext.RequestAborted);
        if (!removed.IsSuccess)
        {
            Add(null, removed.Error!);
            return Page();
        }
        Notice = Texts.Accounts["SecurityPasskeyRemoved"];
        return Redirect(PortalPaths.Security);
    }
}
