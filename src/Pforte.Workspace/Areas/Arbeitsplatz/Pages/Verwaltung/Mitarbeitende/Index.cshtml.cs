using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Verwaltung.Mitarbeitende;

/// <summary>Staff accounts of the admin's Kasse: the list, and a new local account (its initial password shown once).</summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class IndexModel(StaffAccounts accounts) : WorkspacePageModel
{
    public IReadOnlyList<StaffAccountView> Accounts { get; private set; } = [];

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    public CreatedStaffAccount? Created { get; private set; }

    public async Task OnGetAsync() => Accounts = await accounts.ListAsync(Staff.KasseId, Audit, HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAsync()
    {
        if (Required(("benutzername", WorkspaceTexts.Admin["FieldUserName"], UserName), ("name", WorkspaceTexts.Admin["FieldDisplayName"], DisplayName)))
        {
            var created = await accounts.CreateAsync(new NewStaffAccount(Staff.KasseId, UserName, DisplayName, Roles), Audit, HttpContext.RequestAborted);
            if (created.TryGetValue(out var done, out var error))
            {
                Created = done;
                UserName = DisplayName = null;
                Roles = [];
            }
            else
            {
                Add(FieldOf(error), error);
            }
        }
        Accounts = await accounts.ListAsync(Staff.KasseId, null, HttpContext.RequestAborted);
        return Page();
    }

    private static string? FieldOf(Error error) => error.Code switch
    {
        ErrorCodes.StaffUserNameInvalid or ErrorCodes.StaffUserNameTaken => "benutzername",
        ErrorCodes.StaffDisplayNameInvalid => "name",
        ErrorCodes.StaffRoleUnknown or ErrorCodes.StaffRolesRequired => "rollen",
        _ => null,
    };
}
