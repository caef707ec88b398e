using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Portal;
using Pforte.Portal.History;

namespace Pforte.Portal.Areas.Portal.Pages.Verlauf;

/// <summary>"So haben Sie alles unter Kontrolle": the person's own history, newest first, 25 a page (ADR 0017).</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class IndexModel(ReadSecurityHistory history, PortalRepresentation representation) : SubjectPageModel(representation)
{
    /// <summary>The cursor of the page: entries older than this sequence number.</summary>
    [BindProperty(SupportsGet = true, Name = "aelter")]
    public string? Older { get; set; }

    public IReadOnlyList<HistoryLine> Lines { get; private set; } = [];

    public string? NextOlder { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var (subject, stop) = await SubjectAsync();
        if (subject is null)
        {
            return stop!;
        }
        var page = await history.ExecuteAsync(subject.KasseId, subject.PersonId, Older, ReadSecurityHistory.DefaultPageSize, HttpContext.RequestAborted);
        if (!page.TryGetValue(out var entries, out var error))
        {
            return Refuse(error.Message, StatusCodes.Status400BadRequest);
        }
        await RecordViewAsync(subject, "history");
        Lines = [.. entries.Items.Select(HistoryTexts.Describe)];
        NextOlder = entries.Older;
        return Page();
    }
}
