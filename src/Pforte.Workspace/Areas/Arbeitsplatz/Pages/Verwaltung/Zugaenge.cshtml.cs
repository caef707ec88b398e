using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Clients;
using Pforte.Core.Common;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Verwaltung;

/// <summary>API clients of the admin's Kasse (Core's client use cases): list, create (the key shown once), revoke.</summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class ZugaengeModel(ListApiClients list, CreateApiClient create, RevokeApiClient revoke) : WorkspacePageModel
{
    public IReadOnlyList<ApiClientSummary> Clients { get; private set; } = [];

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public List<string> Scopes { get; set; } = [];

    [BindProperty]
    public string? KeyId { get; set; }

    public string? CreatedKey { get; private set; }

    public string? CreatedName { get; private set; }

    public string? Done { get; private set; }

    public async Task OnGetAsync() => Clients = await list.ExecuteAsync(Staff.KasseId, HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAsync()
    {
        if (Required(("clientname", WorkspaceTexts.Admin["FieldClientName"], Name)))
        {
            var created = await create.ExecuteAsync(Staff.KasseId, Name!.Trim(), Scopes, Audit, cancellationToken: HttpContext.RequestAborted);
            if (created.TryGetValue(out var done, out var error))
            {
                CreatedKey = done.Key;
                CreatedName = done.Client.Name;
                Name = null;
                Scopes = [];
            }
            else
            {
                Add(error.Code is ErrorCodes.ClientNoScope or ErrorCodes.ClientScopeUnknown ? "scopes" : "clientname", error);
            }
        }
        Clients = await list.ExecuteAsync(Staff.KasseId, HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostWiderrufenAsync()
    {
        var revoked = await revoke.ExecuteAsync(Staff.KasseId, KeyId ?? "", Audit, HttpContext.RequestAborted);
        if (revoked.TryGetValue(out var client, out var error))
        {
            Done = WorkspaceTexts.Admin.Format("ClientRevokedDone", client.Name);
        }
        else
        {
            Add(null, error);
        }
        Clients = await list.ExecuteAsync(Staff.KasseId, HttpContext.RequestAborted);
        return Page();
    }
}
