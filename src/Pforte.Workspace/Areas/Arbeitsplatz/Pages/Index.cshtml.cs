using Microsoft.AspNetCore.Authorization;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages;

/// <summary>The start page "Arbeitsplatz": what the staff member's roles can do, with links to those pages.</summary>
[Authorize(Policy = WorkspacePolicies.AnyStaff)]
public sealed class IndexModel : WorkspacePageModel
{
    public StaffActor Actor { get; private set; } = null!;

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public IReadOnlyList<WorkspaceNavEntry> Entries { get; private set; } = [];

    public void OnGet()
    {
        Actor = Staff;
        Roles = [.. StaffRoles.All.Where(Staff.Roles.Contains)];
        Entries = [.. WorkspaceNavigation.For(Staff)];
    }
}
