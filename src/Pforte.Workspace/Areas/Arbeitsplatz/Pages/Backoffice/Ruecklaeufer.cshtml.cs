using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Letters;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Backoffice;

/// <summary>
/// Returned mail (<c>/arbeitsplatz/backoffice/ruecklaeufer</c>): the letter's id typed or scanned from the letter
/// (<see cref="LetterReference"/>), then <see cref="MarkLetterReturned"/> for the staff member's Kasse.
/// </summary>
[Authorize(Policy = WorkspacePolicies.BackOffice)]
public sealed class RuecklaeuferModel(MarkLetterReturned returned) : BackOfficePageModel
{
    [BindProperty(Name = "briefnummer")]
    public string? LetterId { get; set; }

    public LetterReturnedResult? Result { get; private set; }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        if (!Required(("briefnummer", WorkspaceTexts.BackOffice["FieldLetterId"], LetterId)))
        {
            return;
        }
        if (!LetterReference.Parse(LetterId).TryGetValue(out var id, out var error)
            || !(await returned.ExecuteAsync(Staff.KasseId, id, Audit, cancellationToken)).TryGetValue(out var result, out error))
        {
            Add("briefnummer", error);
            return;
        }
        Result = result;
        LetterId = null; // ready for the next letter
    }
}
