using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;
using Pforte.Core.Mailbox;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Backoffice;

/// <summary>
/// One Vorgang of a team inbox (<c>/arbeitsplatz/backoffice/postfach-vorgang?id=</c>): messages and internal notes,
/// and the staff actions of <see cref="StaffMailbox"/> — assign, status, due date, note, reply (with a template). Each
/// form posts to its handler and comes back here (post, redirect, get); every step is recorded by the use case.
/// </summary>
[Authorize(Policy = WorkspacePolicies.BackOffice)]
public sealed class PostfachVorgangModel(StaffMailbox mailbox) : BackOfficePageModel
{
    [BindProperty(SupportsGet = true, Name = "id")]
    public string? Id { get; set; }

    [BindProperty(SupportsGet = true, Name = "erledigt")]
    public string? DoneKey { get; set; }

    [BindProperty(Name = "zuweisen")]
    public string? AssignTo { get; set; }

    [BindProperty(Name = "neuerstatus")]
    public string? NewStatus { get; set; }

    [BindProperty(Name = "faellig")]
    public string? Due { get; set; }

    [BindProperty(Name = "notiz")]
    public string? Note { get; set; }

    [BindProperty(Name = "antwort")]
    public string? Reply { get; set; }

    [BindProperty(Name = "vorlage")]
    public string? TemplateId { get; set; }

    public StaffThreadView? Thread { get; private set; }

    public IReadOnlyList<TemplateView> Templates { get; private set; } = [];

    public string StaffId => Staff.StaffId;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await ShowAsync(cancellationToken);

    public Task<IActionResult> OnPostAssignAsync(CancellationToken cancellationToken) =>
        ActAsync("zuweisen", "Assigned", async () => (await mailbox.AssignAsync(Staff.KasseId, Staff.StaffId, Id, string.IsNullOrWhiteSpace(AssignTo) ? null : AssignTo.Trim(), Audit, cancellationToken)).Error, cancellationToken);

    public Task<IActionResult> OnPostStatusAsync(CancellationToken cancellationToken) =>
        ActAsync("neuerstatus", "StatusSet", async () => (await mailbox.SetStatusAsync(Staff.KasseId, Staff.StaffId, Id, NewStatus, Audit, cancellationToken)).Error, cancellationToken);

    public Task<IActionResult> OnPostDueAsync(CancellationToken cancellationToken) =>
        ActAsync("faellig", "DueSet", async () => (await mailbox.SetDueAsync(Staff.KasseId, Staff.StaffId, Id, Due, Audit, cancellationToken)).Error, cancellationToken);

    public Task<IActionResult> OnPostNoteAsync(CancellationToken cancellationToken) =>
        ActAsync("notiz", "NoteAdded", async () => (await mailbox.AddNoteAsync(Staff.KasseId, Staff.StaffId, Id, Note, Audit, cancellationToken)).Error, cancellationToken);

    public Task<IActionResult> OnPostReplyAsync(CancellationToken cancellationToken) =>
        ActAsync("antwort", "Replied", async () => (await mailbox.ReplyAsync(Staff.KasseId, Staff.StaffId, Id, string.IsNullOrWhiteSpace(Reply) ? null : Reply,
            string.IsNullOrWhiteSpace(TemplateId) ? null : TemplateId, [], Audit, cancellationToken)).Error, cancellationToken);

    private async Task<IActionResult> ActAsync(string field, string doneKey, Func<Task<Error?>> act, CancellationToken cancellationToken)
    {
        if (await act() is { } error)
        {
            if (error.Code is ErrorCodes.MailboxNotFound)
            {
                return NotFound();
            }
            Add(field, error);
            return await ShowAsync(cancellationToken);
        }
        return Redirect($"/arbeitsplatz/backoffice/postfach-vorgang?id={Uri.EscapeDataString(Id ?? "")}&erledigt={doneKey}");
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        if (!(await mailbox.ReadAsync(Staff.KasseId, Staff.StaffId, Id, Audit, cancellationToken)).TryGetValue(out var thread, out var error))
        {
            return NotFound();
        }
        Thread = thread;
        Templates = (await mailbox.TemplatesAsync(Staff.KasseId, thread.Topic, cancellationToken)).Value;
        return Page();
    }

    /// <summary>The confirmation shown after a redirect, only for the keys this page sets.</summary>
    public string? Done => DoneKey is "Assigned" or "StatusSet" or "DueSet" or "NoteAdded" or "Replied" ? WorkspaceTexts.BackOffice["Done_" + DoneKey] : null;

    public static string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
