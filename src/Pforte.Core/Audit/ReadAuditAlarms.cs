using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>
/// Failed code verifications of one Kasse per minute: <see cref="PerMinute"/>[i] counts the minute starting at
/// <see cref="Start"/> + i minutes (UTC). <see cref="AlarmThreshold"/> is the failure rate above which the monitor
/// writes a <see cref="AuditAction.FailureRateAlarm"/> (ThrottleOptions.AlarmFailuresPerMinute).
/// </summary>
public sealed record FailureSeries(DateTimeOffset Start, IReadOnlyList<int> PerMinute, int AlarmThreshold)
{
    public int Peak => PerMinute.Count == 0 ? 0 : PerMinute.Max();

    public long Total => PerMinute.Sum(n => (long)n);

    public int MinutesAboveThreshold => PerMinute.Count(n => n > AlarmThreshold);
}

/// <summary>What the auditor's alarm page shows: the spraying and throttling alarms, and the failure series.</summary>
public sealed record AuditAlarmOverview(IReadOnlyList<AuditEntryView> Alarms, FailureSeries Failures);

/// <summary>
/// The alarms that guard against guessing codes (docs/guessing.md), as the audit record of the auditor's Kasse holds
/// them: <see cref="AuditAction.ClientSprayAlarm"/> (one API client failing on many accounts),
/// <see cref="AuditAction.FailureRateAlarm"/> (the installation's failure rate above its band) and
/// <see cref="AuditAction.SourceThrottled"/> (a source blocked for a while) of the last <see cref="AlarmDays"/> days,
/// newest first; and the failed verifications (<see cref="AuditAction.CodeVerificationFailed"/>) per minute over the
/// last 24 hours, counted by the database (one row per minute with failures, never one per failure). Viewing is
/// recorded (10203).
/// </summary>
public sealed class ReadAuditAlarms(PforteDbContext db, AuditLog audit, IOptions<ThrottleOptions> options, TimeProvider clock)
{
    public const int AlarmDays = 30;
    public const int MaxAlarms = 200;
    public const int Minutes = 24 * 60;

    public static readonly IReadOnlyList<AuditAction> AlarmActions = [AuditAction.ClientSprayAlarm, AuditAction.FailureRateAlarm, AuditAction.SourceThrottled];

    public async Task<Result<AuditAlarmOverview>> ExecuteAsync(Guid kasseId, AuditContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var since = now.AddDays(-AlarmDays);
        var alarms = await db.AuditEntries.AsNoTracking()
            .Where(e => e.KasseId == kasseId && AlarmActions.Contains(e.Action) && e.OccurredAt >= since)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(MaxAlarms)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var series = await FailuresPerMinuteAsync(kasseId, now, cancellationToken).ConfigureAwait(false);

        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.AuditAlarmsViewed, AuditOutcome.Info,
            Details: JsonSerializer.Serialize(new Dictionary<string, object?> { ["alarms"] = alarms.Count, ["failures_24h"] = series.Total })),
            cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AuditAlarmOverview(alarms.Select(ReadAuditEntries.View).ToList(), series);
    }

    /// <summary>The 1,440 minutes up to and including the current one.</summary>
    public async Task<FailureSeries> FailuresPerMinuteAsync(Guid kasseId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var current = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var start = current.AddMinutes(-(Minutes - 1));
        var perMinute = new int[Minutes];
        // The minute as text "yyyy-MM-dd HH:mm" on both databases: SQLite stores instants as UTC text in that shape.
        var minute = db.IsSqlite ? "substr(occurred_at, 1, 16)" : "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')";
        await using var sql = await PlainSql.CreateAsync(db,
            $"SELECT {minute}, count(*) FROM audit_entries WHERE kasse_id = @kasse AND action = @action AND occurred_at >= @since GROUP BY 1",
            cancellationToken).ConfigureAwait(false);
        sql.With<AuditEntry>("@kasse", nameof(AuditEntry.KasseId), kasseId)
            .With<AuditEntry>("@since", nameof(AuditEntry.OccurredAt), start);
        var action = sql.Command.CreateParameter();
        action.ParameterName = "@action";
        action.Value = (int)AuditAction.CodeVerificationFailed;
        sql.Command.Parameters.Add(action);
        await using var reader = await sql.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (DateTime.TryParseExact(reader.GetString(0), "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                var index = (int)((at.Ticks - start.UtcTicks) / TimeSpan.TicksPerMinute);
                if (index is >= 0 and < Minutes)
                {
                    perMinute[index] += (int)Math.Min(reader.GetInt64(1), int.MaxValue);
                }
            }
        }
        return new FailureSeries(start, perMinute, options.Value.AlarmFailuresPerMinute);
    }
}
