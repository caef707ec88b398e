using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Portal;
using Pforte.Portal.History;

namespace Pforte.Portal.Areas.Portal.Pages.Briefe;

/// <summary>The person's letters: date, kind, state, and a PDF copy of those without code (ADR 0017).</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class IndexModel(PortalLetters letters, PortalRepresentation representation) : SubjectPageModel(representation)
{
    public IReadOnlyList<PortalLetter> Letters { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var (subject, stop) = await SubjectAsync();
        if (subject is null)
        {
            return stop!;
        }
        await RecordViewAsync(subject, "letters");
        Letters = await letters.ListAsync(subject.KasseId, subject.PersonId, HttpContext.RequestAborted);
        return Page();
    }
}
