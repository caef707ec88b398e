using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;
using Pforte.Core.ContactForm;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Backoffice;

/// <summary>The contact-form inbox (<c>/arbeitsplatz/backoffice/kontaktformular</c>): requests newest first, no content.</summary>
[Authorize(Policy = WorkspacePolicies.BackOffice)]
public sealed class KontaktformularModel(StaffContactRequests requests) : BackOfficePageModel
{
    [BindProperty(SupportsGet = true, Name = "status")]
    public string? Status { get; set; }

    public IReadOnlyList<ContactRequestSummary> Requests { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Status ??= "open";
        if (!(await requests.ListAsync(Staff.KasseId, Status, StaffContactRequests.MaxPageSize, cancellationToken)).TryGetValue(out var list, out var error))
        {
            Add("status", error);
            return;
        }
        Requests = list;
    }

    public static IReadOnlyList<string> Statuses => ["open", "answered", "closed"];

    public static string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);
}
