using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Audit;
using Pforte.Core.Common;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Pruefung;

/// <summary>
/// The auditor's audit search (<c>/arbeitsplatz/pruefung/suche</c>): a GET form (the auditor changes nothing; the
/// search is recorded by the use case), results newest first in pages, and the same search as CSV (<c>?handler=csv</c>).
/// </summary>
[Authorize(Policy = WorkspacePolicies.Auditor)]
public sealed class SucheModel(SearchAuditTrail search, ExportAuditTrail export) : WorkspacePageModel
{
    [BindProperty(SupportsGet = true, Name = "kvnr")]
    public string? Kvnr { get; set; }

    [BindProperty(SupportsGet = true, Name = "von")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "bis")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "ereignis")]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true, Name = "mitarbeiter")]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true, Name = "ergebnis")]
    public string? Outcome { get; set; }

    [BindProperty(SupportsGet = true, Name = "weiter")]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true, Name = "suchen")]
    public string? Submitted { get; set; }

    public AuditSearchPage? Result { get; private set; }

    private AuditSearchInput Input => new(Kvnr, From, To, Action, Actor, Outcome, Cursor);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (Submitted is null)
        {
            return; // the empty form
        }
        if (!(await search.ExecuteAsync(Staff.KasseId, Input, Audit, cancellationToken)).TryGetValue(out var page, out var error))
        {
            Add(FieldOf(error), error);
            return;
        }
        Result = page;
    }

    /// <summary>The whole search as CSV, streamed; a bad filter shows the form with its error instead.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        if (!SearchAuditTrail.Parse(Input with { Cursor = null }).TryGetValue(out _, out var error))
        {
            Submitted = "1";
            Add(FieldOf(error), error);
            return Page();
        }
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, BerlinCalendar.Zone);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"protokoll-{now.ToString("yyyy-MM-dd-HHmm", CultureInfo.InvariantCulture)}.csv\"";
        await export.ExecuteAsync(Staff.KasseId, Input with { Cursor = null }, Audit, Response.Body, cancellationToken);
        return new EmptyResult();
    }

    /// <summary>The query string of this search with another cursor (for "Ältere Einträge") or the CSV handler.</summary>
    public string Link(string? cursor = null, bool csv = false)
    {
        var query = new List<KeyValuePair<string, string?>>
        {
            new("kvnr", Kvnr), new("von", From), new("bis", To), new("ereignis", Action), new("mitarbeiter", Actor), new("ergebnis", Outcome),
        };
        query.RemoveAll(q => string.IsNullOrWhiteSpace(q.Value));
        if (csv)
        {
            query.Add(new("handler", "csv"));
        }
        else
        {
            query.Add(new("suchen", "1"));
        }
        if (cursor is not null)
        {
            query.Add(new("weiter", cursor));
        }
        return "/arbeitsplatz/pruefung/suche" + Microsoft.AspNetCore.Http.QueryString.Create(query);
    }

    /// <summary>The field a refusal belongs to.</summary>
    private static string? FieldOf(Error error) => error.Code switch
    {
        ErrorCodes.WsAuditTimeInvalid => error.Args is ["„von“", ..] ? "von" : "bis",
        ErrorCodes.WsAuditRangeEmpty => "bis",
        ErrorCodes.WsAuditActionUnknown => "ereignis",
        ErrorCodes.WsAuditActorInvalid => "mitarbeiter",
        ErrorCodes.WsAuditOutcomeUnknown => "ergebnis",
        ErrorCodes.WsAuditCursorInvalid => null,
        _ when error.Code.StartsWith("PF-KVNR-", StringComparison.Ordinal) => "kvnr",
        _ => null,
    };

    /// <summary>Every event type for the select, by number.</summary>
    public static IEnumerable<AuditAction> Actions => Enum.GetValues<AuditAction>().Order();

    public static IEnumerable<AuditOutcome> Outcomes => Enum.GetValues<AuditOutcome>();

    public static string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).ToString("dd.MM.yyyy HH:mm:ss", CultureInfo.InvariantCulture);
}
