using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;
using Pforte.Core.Portal;
using Pforte.Portal.History;

namespace Pforte.Portal.Areas.Portal.Pages.Briefe;

/// <summary>
/// A PDF copy of one of the person's letters without code. A letter id that is unknown, malformed or somebody else's
/// answers the portal's one 404 page; a letter with a code says why there is no copy.
/// </summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class KopieModel(PortalLetters letters, PortalRepresentation representation) : SubjectPageModel(representation)
{
    public async Task<IActionResult> OnGetAsync(string? id)
    {
        var (subject, stop) = await SubjectAsync();
        if (subject is null)
        {
            return stop!;
        }
        var copy = await letters.CopyAsync(subject.KasseId, subject.PersonId, id, subject.Audit, HttpContext.RequestAborted);
        if (copy.TryGetValue(out var pdf, out var error))
        {
            return File(pdf.Pdf, "application/pdf", pdf.FileName);
        }
        return error.Code == ErrorCodes.PortalNotFound ? NotFound() : Refuse(error.Message, StatusCodes.Status403Forbidden);
    }
}
