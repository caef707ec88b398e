using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Backoffice;

/// <summary>
/// The mailbox team inboxes (<c>/arbeitsplatz/backoffice/postfach</c>): one topic's open Vorgänge (or those of a
/// status) by due date, in pages — <see cref="StaffMailbox.TeamInboxAsync"/>, as the staff API lists them.
/// </summary>
[Authorize(Policy = WorkspacePolicies.BackOffice)]
public sealed class PostfachModel(StaffMailbox mailbox) : BackOfficePageModel
{
    [BindProperty(SupportsGet = true, Name = "thema")]
    public string? Topic { get; set; }

    [BindProperty(SupportsGet = true, Name = "status")]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "weiter")]
    public string? After { get; set; }

    public TeamInboxPage? Inbox { get; private set; }

    public static IReadOnlyList<string> Topics => MailboxContent.Topics;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Topic ??= Topics[0];
        var status = string.IsNullOrEmpty(Status) ? null : Status;
        if (!(await mailbox.TeamInboxAsync(Staff.KasseId, new TeamInboxQuery(Topic, status, After: After), cancellationToken)).TryGetValue(out var inbox, out var error))
        {
            Add(error.Code == ErrorCodes.MailboxStatusInvalid ? "status" : "thema", error);
            return;
        }
        Inbox = inbox;
    }

    public string Link(string? after) =>
        "/arbeitsplatz/backoffice/postfach" + Microsoft.AspNetCore.Http.QueryString.Create(new Dictionary<string, string?>
        {
            ["thema"] = Topic, ["status"] = string.IsNullOrEmpty(Status) ? null : Status, ["weiter"] = after,
        }.Where(kv => kv.Value is not null));

    public static string TopicName(string topic) => RequestKindNames.German(topic);

    public static string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);
}
