using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Accounts;
using Pforte.Portal.Accounts;

namespace Pforte.Portal.Areas.Portal.Pages;

/// <summary>Sign-out (POST from the layout's button): ends the session on the server, then the cookie.</summary>
[AllowAnonymous]
public sealed class AbmeldenModel(PortalSessions sessions, PortalSignIn signIn) : AccountPageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        var result = await HttpContext.AuthenticateAsync(PortalAuth.Scheme);
        if (PortalActor.From(result.Principal) is { } actor)
        {
            await sessions.SignOutAsync(actor.AccountId, actor.SessionId, signIn.Person(actor), HttpContext.RequestAborted);
        }
        await signIn.SignOutAsync();
        return Redirect(PortalPaths.SignOut);
    }
}
