using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.SelfService;
using Pforte.Core.Workspace;
using Pforte.Workspace.Agent;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Schalter;

/// <summary>
/// The counter (Beratungscenter): find the person, identify them with one of the six photo ID kinds, then the same
/// guidance as on the phone (channel in-person) and the address change in person with the portal's confirmation letters.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Counter)]
public sealed class IndexModel : PersonScreenModel
{
    public const string Path = WorkspacePaths.Counter;

    public override string PagePath => Path;

    protected override string AuditChannel => WorkspaceChannels.InPerson;

    [BindProperty]
    public string? DocumentType { get; set; }

    [BindProperty]
    public string? DocumentLast4 { get; set; }

    [BindProperty]
    public bool PhotoMatches { get; set; }

    [BindProperty]
    public AddressForm Address { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadCardAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostIdentifyAsync(CancellationToken cancellationToken)
    {
        if (await KvnrAsync(cancellationToken) is not { } kvnr)
        {
            return Redirect(PagePath);
        }
        var result = await Use<RecordAuthentication>().InPersonAsync(Staff.KasseId, WorkspaceStaff.NoClient,
            new InPersonInput(kvnr, DocumentType, DocumentLast4?.Trim(), PhotoMatches, Staff.StaffId, null), Audit, cancellationToken);
        if (result.TryGetValue(out var authentication, out var error))
        {
            return Redirect(Link(PersonId, authentication.Id, null, "identified"));
        }
        Add(error.Code switch
        {
            ErrorCodes.DocumentTypeUnknown => "documentType",
            ErrorCodes.DocumentNumberFormat => "documentLast4",
            _ => null,
        }, error);
        await LoadCardAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAddressAsync(CancellationToken cancellationToken)
    {
        if (PersonId is not { } id)
        {
            return Redirect(PagePath);
        }
        var input = new NewAddress(Address.Street, Address.HouseNumber, Address.PostalCode, Address.City, Address.EffectiveOn);
        var fieldErrors = ChangeAddress.Validate(input, BerlinCalendar.Today(Use<TimeProvider>()), Use<Microsoft.Extensions.Options.IOptions<SelfServiceOptions>>().Value);
        foreach (var e in fieldErrors)
        {
            Add("Address." + e.Field, e.Error);
        }
        if (fieldErrors.Count == 0)
        {
            var result = await Use<CounterAddressChange>().ExecuteAsync(Staff.KasseId, id, AuthenticationId, input, Audit, cancellationToken);
            if (result.TryGetValue(out var done, out var error))
            {
                return Redirect(Here(done.Applied ? "address-changed" : "address-scheduled"));
            }
            Add(null, error);
        }
        await LoadCardAsync(cancellationToken);
        return Page();
    }
}

/// <summary>The new address as typed at the counter.</summary>
public sealed class AddressForm
{
    public string? Street { get; set; }

    public string? HouseNumber { get; set; }

    public string? PostalCode { get; set; }

    public string? City { get; set; }

    public string? EffectiveOn { get; set; }
}
