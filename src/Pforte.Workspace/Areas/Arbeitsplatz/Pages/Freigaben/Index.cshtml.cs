using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Workspace;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Freigaben;

/// <summary>Supervisor: code re-issues beyond the automatic cap waiting for a second pair of eyes (ADR 0025).</summary>
[Authorize(Policy = WorkspacePolicies.Supervisor)]
public sealed class IndexModel : WorkspacePageModel
{
    public const string Path = WorkspacePaths.Approvals;

    public IReadOnlyList<PendingReissue> Pending { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Pending = await HttpContext.RequestServices.GetRequiredService<CodeReissueRequests>().PendingAsync(Staff.KasseId, cancellationToken);

    public async Task<IActionResult> OnPostAsync(Guid id, bool approve, CancellationToken cancellationToken)
    {
        var requests = HttpContext.RequestServices.GetRequiredService<CodeReissueRequests>();
        var result = await requests.DecideAsync(Staff.KasseId, id, approve, Staff.Roles, Audit, cancellationToken);
        if (result.TryGetValue(out var outcome, out var error))
        {
            return Redirect(Path + "?done=" + (outcome.Kind == ReissueOutcomeKind.Reissued ? "approved" : "rejected"));
        }
        Add(null, error);
        Pending = await requests.PendingAsync(Staff.KasseId, cancellationToken);
        return Page();
    }

    /// <summary>Whether this row is the signed-in supervisor's own request (they cannot approve it).</summary>
    public bool IsOwn(PendingReissue request) => request is not null && request.RequestedBy == Staff.AuditActorId;
}
