using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Audit;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages;

/// <summary>Sign-out (POST from the layout's button): ends the session on the server, then the cookie.</summary>
[AllowAnonymous]
public sealed class AbmeldenModel(StaffSessions sessions, WorkspaceSignIn cookie) : WorkspacePageModel
{
    public IActionResult OnGet() => Redirect(WorkspacePaths.SignIn);

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await HttpContext.AuthenticateAsync(WorkspaceAuth.Scheme);
        if (WorkspaceClaims.Actor(result.Principal) is { } actor)
        {
            var context = new AuditContext(ActorKind.Staff, actor.AuditActorId, Channel: WorkspaceChannels.Workspace, SourceIp: RemoteIp(HttpContext), CorrelationId: HttpContext.TraceIdentifier);
            await sessions.SignOutAsync(actor, context, HttpContext.RequestAborted);
        }
        await cookie.SignOutAsync();
        return Redirect(WorkspacePaths.SignIn + "?abgemeldet=true");
    }
}
