using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Pforte.Core.Staff;

namespace Pforte.Workspace;

/// <summary>
/// "An auditor can change nothing anywhere" (issue 14): a staff member whose only role is auditor gets 403 for every
/// request that is not GET or HEAD on any workspace page — before the page's own authorization and antiforgery run, so
/// even a page the auditor may open answers a POST with 403. Signing out and the own account (passkeys) stay open:
/// they change the auditor's own credentials, not the Kasse's data (docs/decisions/0026).
/// </summary>
public sealed class AuditorReadOnlyFilter : IAsyncAuthorizationFilter, IOrderedFilter
{
    /// <summary>Before every other authorization filter (the page's policy, antiforgery).</summary>
    public int Order => int.MinValue;

    private static readonly string[] OwnPaths = [WorkspacePaths.SignOut, WorkspacePaths.Account, WorkspacePaths.SignIn];

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            || OwnPaths.Any(p => http.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }
        var user = http.User.Identity?.IsAuthenticated == true ? http.User : (await http.AuthenticateAsync(WorkspaceAuth.Scheme)).Principal;
        if (user is not null && WorkspaceClaims.Actor(user) is { } actor && IsOnlyAuditor(actor.Roles))
        {
            context.Result = new StatusCodeResult(StatusCodes.Status403Forbidden);
        }
    }

    public static bool IsOnlyAuditor(IReadOnlySet<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return roles.Contains(StaffRoles.Auditor) && roles.Count == 1;
    }
}
