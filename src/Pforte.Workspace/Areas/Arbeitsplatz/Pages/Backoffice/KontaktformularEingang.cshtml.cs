using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;
using Pforte.Core.ContactForm;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Backoffice;

/// <summary>
/// One contact request (<c>/arbeitsplatz/backoffice/kontaktformular-eingang?id=</c>): its details (reading is recorded),
/// the "authenticate by details" step (<see cref="MatchContactRequestByDetails"/>), answered, closed.
/// </summary>
[Authorize(Policy = WorkspacePolicies.BackOffice)]
public sealed class KontaktformularEingangModel(StaffContactRequests requests, MatchContactRequestByDetails match) : BackOfficePageModel
{
    [BindProperty(SupportsGet = true, Name = "id")]
    public string? Id { get; set; }

    [BindProperty(SupportsGet = true, Name = "erledigt")]
    public string? DoneKey { get; set; }

    [BindProperty(Name = "kvnr")]
    public string? Kvnr { get; set; }

    [BindProperty(Name = "name")]
    public bool NameMatches { get; set; }

    [BindProperty(Name = "anschrift")]
    public bool AddressOrBirthDateMatches { get; set; }

    [BindProperty(Name = "kvnrgleich")]
    public bool KvnrMatches { get; set; }

    public ContactRequestView? Contact { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostMatchAsync(CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(Id, "N", out var id))
        {
            return NotFound();
        }
        if (!Required(("kvnr", WorkspaceTexts.BackOffice["FieldMatchKvnr"], Kvnr)))
        {
            return await ShowAsync(cancellationToken);
        }
        var result = await match.ExecuteAsync(Staff.KasseId, id, Staff.StaffId, new ContactDetailsMatch(Kvnr, NameMatches, AddressOrBirthDateMatches, KvnrMatches), Audit, cancellationToken);
        return await AfterAsync(result.Error, "kvnr", "Matched", cancellationToken);
    }

    public async Task<IActionResult> OnPostAnsweredAsync(CancellationToken cancellationToken) =>
        Guid.TryParseExact(Id, "N", out var id)
            ? await AfterAsync((await requests.MarkAnsweredAsync(Staff.KasseId, id, Audit, cancellationToken)).Error, null, "ContactAnswered", cancellationToken)
            : NotFound();

    public async Task<IActionResult> OnPostCloseAsync(CancellationToken cancellationToken) =>
        Guid.TryParseExact(Id, "N", out var id)
            ? await AfterAsync((await requests.CloseAsync(Staff.KasseId, id, Audit, cancellationToken)).Error, null, "ContactClosed", cancellationToken)
            : NotFound();

    private async Task<IActionResult> AfterAsync(Error? error, string? field, string doneKey, CancellationToken cancellationToken)
    {
        if (error is not null)
        {
            if (error.Code == ErrorCodes.ContactRequestNotFound)
            {
                return NotFound();
            }
            Add(field, error);
            return await ShowAsync(cancellationToken);
        }
        return Redirect($"/arbeitsplatz/backoffice/kontaktformular-eingang?id={Id}&erledigt={doneKey}");
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(Id, "N", out var id)
            || !(await requests.ReadAsync(Staff.KasseId, id, Audit, cancellationToken)).TryGetValue(out var request, out _))
        {
            return NotFound();
        }
        Contact = request;
        Kvnr ??= request.Details.Kvnr;
        return Page();
    }

    public string? Done => DoneKey is "Matched" or "ContactAnswered" or "ContactClosed" ? WorkspaceTexts.BackOffice["Done_" + DoneKey] : null;
}
