using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Verwaltung.Mitarbeitende;

/// <summary>One staff account of the admin's Kasse: change its roles, disable it (its sessions end at once).</summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class KontoModel(StaffAccounts accounts) : WorkspacePageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public StaffAccountView Account { get; private set; } = null!;

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadAsync() is null)
        {
            return NotFound();
        }
        Roles = [.. Account.Roles];
        return Page();
    }

    public async Task<IActionResult> OnPostRollenAsync()
    {
        var changed = await accounts.SetRolesAsync(Staff.KasseId, Id, Roles, Guid.Parse(Staff.StaffId), Audit, HttpContext.RequestAborted);
        return await AfterAsync(changed, WorkspaceTexts.Admin["RolesDone"]);
    }

    public async Task<IActionResult> OnPostDeaktivierenAsync()
    {
        var disabled = await accounts.DisableAsync(Staff.KasseId, Id, Guid.Parse(Staff.StaffId), Audit, HttpContext.RequestAborted);
        return await AfterAsync(disabled, WorkspaceTexts.Admin["DisableDone"]);
    }

    private async Task<IActionResult> AfterAsync(Result<StaffAccountView> result, string done)
    {
        if (!result.TryGetValue(out _, out var error))
        {
            if (error.Code == ErrorCodes.StaffAccountNotFound)
            {
                return NotFound();
            }
            Add(error.Code is ErrorCodes.StaffRoleUnknown or ErrorCodes.StaffRolesRequired ? "rollen" : null, error);
        }
        else
        {
            Done = done;
        }
        if (await LoadAsync() is null)
        {
            return NotFound();
        }
        if (Done is not null)
        {
            Roles = [.. Account.Roles];
        }
        return Page();
    }

    private async Task<StaffAccountView?> LoadAsync()
    {
        var all = await accounts.ListAsync(Staff.KasseId, null, HttpContext.RequestAborted);
        Account = all.FirstOrDefault(a => a.Id == Id)!;
        return Account;
    }
}
