using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Portal;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Verwaltung;

/// <summary>
/// The Beratungscenter list the public finder shows (<c>/arbeitsplatz/verwaltung/beratungscenter</c>): list, add,
/// remove; changing one is <c>…/beratungscenter-bearbeiten?id=</c>. The Core use cases of <c>pforte branches</c>.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class BeratungscenterModel(FindBranches find, ManageBranches manage) : WorkspacePageModel
{
    [BindProperty]
    public BranchForm Form { get; set; } = new();

    public IReadOnlyList<BranchView> Branches { get; private set; } = [];

    public string? Done { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        if (!(await manage.AddAsync(Staff.KasseId, Form.Input(), Audit, cancellationToken)).TryGetValue(out var branch, out var error))
        {
            Add(BranchForm.FieldOf(error), error);
        }
        else
        {
            Done = WorkspaceTexts.Catalogue.Format("BranchAdded", branch.Name);
            Form = new();
            ModelState.Clear();
        }
        await LoadAsync(cancellationToken);
    }

    public async Task OnPostRemoveAsync([FromForm(Name = "id")] string? id, CancellationToken cancellationToken)
    {
        if (!(await manage.RemoveAsync(Staff.KasseId, id, Audit, cancellationToken)).TryGetValue(out var branch, out var error))
        {
            Add(null, error);
        }
        else
        {
            Done = WorkspaceTexts.Catalogue.Format("BranchRemoved", branch.Name);
        }
        await LoadAsync(cancellationToken);
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Branches = (await find.ExecuteAsync(Staff.KasseId, null, cancellationToken)).Value.Branches;
}
