using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Audit;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Pruefung;

/// <summary>
/// Chain verification (<c>/arbeitsplatz/pruefung/kette</c>): the existing <see cref="VerifyOwnAuditChain"/> for the
/// auditor's Kasse, recorded (9007), with the result in words. A GET with <c>?pruefen=1</c> — the auditor changes nothing.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Auditor)]
public sealed class KetteModel(VerifyOwnAuditChain verify) : WorkspacePageModel
{
    [BindProperty(SupportsGet = true, Name = "pruefen")]
    public string? Run { get; set; }

    public AuditChainReport? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (Run is null)
        {
            return;
        }
        if (!(await verify.ExecuteAsync(Staff.KasseId, Audit, cancellationToken)).TryGetValue(out var report, out var error))
        {
            Add(null, error);
            return;
        }
        Report = report;
    }
}
