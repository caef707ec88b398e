using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common.Keys;
using Pforte.Core.Persistence;

namespace Pforte.Core.Common;

/// <summary>
/// The figures operations alert on (ops/prometheus/pforte-alerts.yml), as gauges on the Pforte meter. They describe
/// the installation, not the process: every node reads them from the shared database every minute
/// (<see cref="OperationsMonitor"/>), so any node's /metrics tells the same, and a node that just started knows them
/// after its first tick. Before the first reading a gauge reports nothing (no series), not a misleading zero.
/// </summary>
public sealed class OperationsGauges
{
    public OperationsGauges(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PforteMetrics.MeterName);
        Gauge(meter, "pforte.letters.waiting", () => Snapshot?.LettersWaiting, "{letter}", "Letters in the outbox, not yet handed over to the print service.");
        Gauge(meter, "pforte.letters.oldest_waiting_age", () => Snapshot?.OldestLetterWaitingSeconds, "s", "Age of the oldest letter not yet handed over (0 when none waits).");
        Gauge(meter, "pforte.audit.chain_intact", () => Snapshot?.AuditChainIntact, null,
            "1 when the last verification of every Kasse's audit chains found them intact, 0 when one found a break.");
        Gauge(meter, "pforte.audit.chain_verified_age", () => Snapshot?.AuditChainVerifiedAgeSeconds, "s",
            "Time since the oldest of the Kassen's last chain verifications (large when one was never verified).");
        Gauge(meter, "pforte.keys.readable", () => Snapshot?.KeyRingReadable, null,
            "1 when the key ring can be read now (every purpose has a key), 0 when not: a restarted node could not verify any code.");
        Gauge(meter, "pforte.jobs.unfinished", () => Snapshot?.JobsUnfinished, "{job}",
            "Jobs started more than an hour ago that never finished: their process died holding the day's lease, so nobody runs them today.");
    }

    /// <summary>The last reading; null before the first.</summary>
    public OperationsSnapshot? Snapshot { get; set; }

    private static void Gauge(Meter meter, string name, Func<double?> read, string? unit, string description) =>
        meter.CreateObservableGauge(name, () => read() is { } value ? [new Measurement<double>(value)] : Array.Empty<Measurement<double>>(), unit, description);
}

/// <summary>One reading of <see cref="OperationsGauges"/>.</summary>
public sealed record OperationsSnapshot(
    long LettersWaiting, double OldestLetterWaitingSeconds, double AuditChainIntact, double AuditChainVerifiedAgeSeconds, double KeyRingReadable, long JobsUnfinished);

/// <summary>Reads the installation's state into <see cref="OperationsGauges"/> (the web host's background loop calls it every minute).</summary>
public sealed class OperationsMonitor(PforteDbContext db, IKeyStore keys, OperationsGauges gauges, TimeProvider clock)
{
    /// <summary>A job running longer than this without finishing counts as abandoned.</summary>
    public static readonly TimeSpan JobStale = TimeSpan.FromHours(1);

    public async Task<OperationsSnapshot> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var waiting = db.Letters.AsNoTracking().Where(l => l.ExportedAt == null);
        var lettersWaiting = await waiting.LongCountAsync(cancellationToken).ConfigureAwait(false);
        var oldest = lettersWaiting == 0 ? (DateTimeOffset?)null
            : await waiting.OrderBy(l => l.QueuedAt).Select(l => (DateTimeOffset?)l.QueuedAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        // The latest chain verification of each Kasse (the daily job's, or an auditor's): intact only if every Kasse's was.
        var kassen = await db.Kassen.AsNoTracking().Select(k => k.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var intact = 1.0;
        var verifiedAge = 0.0;
        foreach (var kasse in kassen)
        {
            var last = await db.AuditEntries.AsNoTracking().Where(e => e.KasseId == kasse && e.Action == AuditAction.AuditChainVerified)
                .OrderByDescending(e => e.OccurredAt).Select(e => new { e.OccurredAt, e.Outcome }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (last is null)
            {
                verifiedAge = double.MaxValue;
                continue;
            }
            if (last.Outcome != AuditOutcome.Success)
            {
                intact = 0;
            }
            verifiedAge = Math.Max(verifiedAge, (now - last.OccurredAt).TotalSeconds);
        }

        var staleBefore = now - JobStale;
        var unfinished = await db.JobRuns.AsNoTracking().LongCountAsync(r => r.FinishedAt == null && r.StartedAt < staleBefore, cancellationToken).ConfigureAwait(false);

        var snapshot = new OperationsSnapshot(lettersWaiting, oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0, intact,
            verifiedAge == double.MaxValue ? (now - DateTimeOffset.UnixEpoch).TotalSeconds : verifiedAge, KeyRingReadable(), unfinished);
        gauges.Snapshot = snapshot;
        return snapshot;
    }

    private double KeyRingReadable()
    {
        try
        {
            return keys is IKeyStoreHealth health ? (health.CheckReadable() ? 1 : 0) : 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or FormatException)
        {
            return 0;
        }
    }
}
