using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Pforte.Core.Audit;
using Pforte.Core.Common;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Pruefung;

/// <summary>
/// Spraying alarms and failed verifications per minute over the last 24 hours (<c>/arbeitsplatz/pruefung/alarme</c>):
/// the chart as SVG rendered here, with a table by hour as its text alternative. Viewing is recorded (10203).
/// </summary>
[Authorize(Policy = WorkspacePolicies.Auditor)]
public sealed class AlarmeModel(ReadAuditAlarms alarms) : WorkspacePageModel
{
    public AuditAlarmOverview? Overview { get; private set; }

    public string Svg { get; private set; } = "";

    public IReadOnlyList<FailureHour> Hours { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (!(await alarms.ExecuteAsync(Staff.KasseId, Audit, cancellationToken)).TryGetValue(out var overview, out var error))
        {
            Add(null, error);
            return;
        }
        Overview = overview;
        var t = WorkspaceTexts.Auditor;
        var s = overview.Failures;
        var since = TimeZoneInfo.ConvertTime(s.Start, BerlinCalendar.Zone);
        Svg = FailureChart.Svg(s, new FailureChartTexts(
            t["ChartTitle"],
            t.Format("ChartDescription", since.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture), s.Total, s.Peak, s.AlarmThreshold, s.MinutesAboveThreshold),
            t.Format("ChartThreshold", s.AlarmThreshold)));
        Hours = FailureChart.Hours(s);
    }

    public static string Local(DateTimeOffset at, string format = "dd.MM.yyyy HH:mm") =>
        TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).ToString(format, CultureInfo.InvariantCulture);
}
