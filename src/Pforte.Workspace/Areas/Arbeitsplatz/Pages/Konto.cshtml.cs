using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages;

/// <summary>The staff member's own account: passkeys (add one), sign out everywhere.</summary>
[Authorize(Policy = WorkspacePolicies.AnyStaff)]
public sealed class KontoModel(WorkspacePasskeys passkeys, StaffSessions sessions, WorkspaceSignIn cookie) : WorkspacePageModel
{
    public IReadOnlyList<(string Name, DateTimeOffset CreatedAt)> Passkeys { get; private set; } = [];

    public string? Done { get; private set; }

    public async Task OnGetAsync() => Passkeys = await passkeys.ListAsync(Staff);

    public async Task<IActionResult> OnPostPasskeyOptionsAsync() => Content(await passkeys.CreationOptionsAsync(Staff), "application/json");

    public async Task<IActionResult> OnPostPasskeyAsync(string? credential)
    {
        var added = await passkeys.AddAsync(Staff, credential, Audit, HttpContext.RequestAborted);
        if (added.TryGetValue(out var name, out var error))
        {
            Done = WorkspaceTexts.SignIn.Format("PasskeyAdded", name);
        }
        else
        {
            Add(null, error);
        }
        Passkeys = await passkeys.ListAsync(Staff);
        return Page();
    }

    public async Task<IActionResult> OnPostUeberallAsync()
    {
        await sessions.RevokeAllAsync(Staff, Audit, HttpContext.RequestAborted);
        await cookie.SignOutAsync();
        return Redirect(WorkspacePaths.SignIn + "?abgemeldet=true");
    }
}
