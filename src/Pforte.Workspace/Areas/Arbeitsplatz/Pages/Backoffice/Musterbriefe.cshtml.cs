using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Letters;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Backoffice;

/// <summary>
/// Letters QA (<c>/arbeitsplatz/backoffice/musterbriefe</c>): every letter kind as a sample PDF with sample data and a
/// watermark, never a real code (<see cref="RenderLetterSample"/>, recorded 10204).
/// </summary>
[Authorize(Policy = WorkspacePolicies.BackOffice)]
public sealed class MusterbriefeModel(RenderLetterSample samples) : BackOfficePageModel
{
    public static IEnumerable<(string Kind, string Subject, bool CarriesCode)> Kinds =>
        LetterKinds.All.Select(k => (k, LetterTexts.For(k).Subject, LetterKinds.CarriesCode(k)));

    public async Task<IActionResult> OnGetPdfAsync([FromQuery(Name = "art")] string? kind, CancellationToken cancellationToken)
    {
        using var pdf = new MemoryStream();
        if (!(await samples.RenderAsync(Staff.KasseId, kind ?? "", Audit, pdf, cancellationToken)).TryGetValue(out _, out var error))
        {
            Add(null, error);
            return Page();
        }
        return File(pdf.ToArray(), "application/pdf", $"musterbrief-{kind}.pdf");
    }
}
