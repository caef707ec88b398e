using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Portal;
using Pforte.Portal.History;

namespace Pforte.Portal.Areas.Portal.Pages;

/// <summary>The start page after sign-in: whose portal, what happened lately, the latest letters, what to do next.</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class UebersichtModel(ReadOverview overview, PortalRepresentation representation) : SubjectPageModel(representation)
{
    public Overview? Overview { get; private set; }

    public IReadOnlyList<HistoryLine> History { get; private set; } = [];

    /// <summary>What the last switch did ("Sie handeln jetzt für …"), shown once after the redirect.</summary>
    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var (subject, stop) = await SubjectAsync();
        if (subject is null)
        {
            return stop!;
        }
        var read = await overview.ExecuteAsync(subject.KasseId, subject.PersonId, subject.Actor.PersonId, HttpContext.RequestAborted);
        if (!read.TryGetValue(out var found, out _))
        {
            return NotFound();
        }
        Overview = found;
        History = [.. found.LatestHistory.Select(HistoryTexts.Describe)];
        return Page();
    }
}
