using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Letters;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Backoffice;

/// <summary>
/// Batch re-issue (<c>/arbeitsplatz/backoffice/stapel</c>): a print batch reported lost; every code letter of the
/// staff member's Kasse in it is re-issued, letters without a code go out again (<see cref="ReissueLostBatch"/>).
/// The confirmation box is required: this issues new codes.
/// </summary>
[Authorize(Policy = WorkspacePolicies.BackOffice)]
public sealed class StapelModel(ReissueLostBatch reissue) : BackOfficePageModel
{
    [BindProperty(Name = "stapelnummer")]
    public string? BatchId { get; set; }

    [BindProperty(Name = "bestaetigt")]
    public bool Confirmed { get; set; }

    public ReissueBatchResult? Result { get; private set; }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        var t = WorkspaceTexts.BackOffice;
        if (!Required(("stapelnummer", t["FieldBatchId"], BatchId)))
        {
            return;
        }
        if (!LetterReference.Parse(BatchId).TryGetValue(out var id, out var error))
        {
            Add("stapelnummer", error);
            return;
        }
        if (!Confirmed)
        {
            Add("bestaetigt", new Pforte.Core.Common.Error(FieldRequiredCode, t["FieldConfirmBatch"]));
            return;
        }
        if (!(await reissue.ExecuteForKasseAsync(Staff.KasseId, id, Audit, cancellationToken)).TryGetValue(out var result, out error))
        {
            Add("stapelnummer", error);
            return;
        }
        Result = result;
        BatchId = null;
        Confirmed = false;
    }
}
