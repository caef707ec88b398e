using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// Watches the system-wide failure rate (failed attempts per minute, all processes, from the database) and writes an
/// alarm to the audit record of every Kasse when it leaves its normal band — at most once per ten minutes for the
/// whole installation (a job lease decides which process writes it). The rate itself is exported as a metric.
/// </summary>
public sealed class FailureRateMonitor(PforteDbContext db, SourceThrottle throttle, JobLease lease, AuditLog audit, AuthCodeMetrics metrics, IOptions<ThrottleOptions> options, TimeProvider clock)
{
    public async Task<int> CheckAsync(CancellationToken cancellationToken = default)
    {
        // Clients that fail on many accounts across changing sources (never a block, only an alarm).
        await throttle.RaiseClientAlarmsAsync(cancellationToken).ConfigureAwait(false);
        var rate = await throttle.FailuresInLastMinuteAsync(cancellationToken).ConfigureAwait(false);
        metrics.FailuresPerMinute = rate;
        if (rate <= options.Value.AlarmFailuresPerMinute)
        {
            return rate;
        }
        var now = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), BerlinCalendar.Zone);
        var slot = "failure-rate-alarm:" + (now.Hour * 6 + now.Minute / 10).ToString("D3", CultureInfo.InvariantCulture);
        if (!await lease.TryStartAsync(slot, DateOnly.FromDateTime(now.DateTime), cancellationToken).ConfigureAwait(false))
        {
            return rate;
        }
        var kassen = await db.Kassen.AsNoTracking().Select(k => k.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        foreach (var kasse in kassen)
        {
            await audit.AppendAsync(kasse, AuditContext.System("failure-rate-monitor"), new AuditEvent(AuditAction.FailureRateAlarm, AuditOutcome.Info,
                ReasonCode: "failure-rate-high", Details: $"{{\"failures_per_minute\":{rate},\"threshold\":{options.Value.AlarmFailuresPerMinute}}}"), cancellationToken).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rate;
    }
}
