using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Portal;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Verwaltung;

/// <summary>Changing one Beratungscenter (<c>/arbeitsplatz/verwaltung/beratungscenter-bearbeiten?id=</c>).</summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class BeratungscenterBearbeitenModel(FindBranches find, ManageBranches manage) : WorkspacePageModel
{
    [BindProperty(SupportsGet = true, Name = "id")]
    public string? Id { get; set; }

    [BindProperty]
    public BranchForm Form { get; set; } = new();

    public bool Found { get; private set; }

    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var branch = (await find.ExecuteAsync(Staff.KasseId, null, cancellationToken)).Value.Branches
            .FirstOrDefault(b => string.Equals(b.Id.ToString("N"), Id, StringComparison.OrdinalIgnoreCase));
        if (branch is null)
        {
            return NotFound();
        }
        Found = true;
        Form = BranchForm.Of(branch);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Found = true;
        if (!(await manage.UpdateAsync(Staff.KasseId, Id, Form.Input(), Audit, cancellationToken)).TryGetValue(out var branch, out var error))
        {
            if (error.Code == Pforte.Core.Common.ErrorCodes.BranchNotFound)
            {
                return NotFound();
            }
            Add(BranchForm.FieldOf(error), error);
            return Page();
        }
        Done = WorkspaceTexts.Catalogue.Format("BranchChanged", branch.Name);
        return Page();
    }
}
