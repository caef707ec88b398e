using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Accounts;
using Pforte.Core.Persistence;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages.Konto;

/// <summary>
/// The security page: passkeys (add, remove — after step-up), the authenticator app, the signed-in devices ("diese
/// Sitzung beenden", "überall abmelden"). Only the signed-in account's own sessions and passkeys: another's id answers
/// like one that does not exist.
/// </summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class SicherheitModel(PforteDbContext db, PortalSessions sessions, PortalPasskeys passkeys, PortalSignIn signIn) : AccountPageModel
{
    public IReadOnlyList<PortalSessionView> Sessions { get; private set; } = [];

    public IReadOnlyList<PasskeyView> Passkeys { get; private set; } = [];

    public bool HasAuthenticator { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>Ends one session of this account (another account's session answers PF-ACC-018).</summary>
    public async Task<IActionResult> OnPostEndAsync(Guid session)
    {
        var actor = PortalActor.From(User)!;
        var result = await sessions.RevokeAsync(actor.AccountId, session, signIn.Person(actor), HttpContext.RequestAborted);
        if (!result.IsSuccess)
        {
            Add(null, result.Error!);
            await LoadAsync();
            return Page();
        }
        if (session == actor.SessionId)
        {
            await signIn.SignOutAsync();
            return Redirect(PortalPaths.SignOut);
        }
        Notice = Texts.Accounts["SecuritySessionEnded"];
        return RedirectToPage();
    }

    /// <summary>"Überall abmelden": every session of the account, this one included.</summary>
    public async Task<IActionResult> OnPostEverywhereAsync()
    {
        var actor = PortalActor.From(User)!;
        await sessions.RevokeAsync(actor.AccountId, null, signIn.Person(actor), HttpContext.RequestAborted);
        await signIn.SignOutAsync();
        return Redirect(PortalPaths.SignOut);
    }

    internal async Task LoadAsync()
    {
        var actor = PortalActor.From(User)!;
        Sessions = await sessions.ListAsync(actor.AccountId, actor.SessionId, HttpContext.RequestAborted);
        Passkeys = await passkeys.ListAsync(actor.AccountId, HttpContext.RequestAborted);
        HasAuthenticator = await db.PortalAccounts.AsNoTracking().AnyAsync(a => a.Id == actor.AccountId && a.SealedAuthenticatorKey != null, HttpContext.RequestAborted);
    }

    public static string Describe(string? device) => device ?? Texts.Accounts["UnknownDevice"];

    public static string When(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Pforte.Core.Common.BerlinCalendar.Zone).ToString("dd.MM.yyyy, HH:mm 'Uhr'", TextSet.German);
}
