using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// The spraying defence (security.md): trying 1234 once on many accounts never trips a per-account counter, so
/// failures are also counted per source — calling number, IP address — over a sliding window, across distinct
/// accounts, in the database so that every server process sees the same count. A source above the threshold is
/// throttled (429) for a while. The API client itself is used as the source only when the request names no caller
/// or IP: an IVR's own key carries every caller's traffic, and throttling it would lock everybody out.
/// </summary>
public sealed class SourceThrottle(PforteDbContext db, IOptions<ThrottleOptions> options, AuditLog audit, TimeProvider clock)
{
    private readonly ThrottleOptions _options = options.Value;

    public static IReadOnlyList<string> KeysFor(string? callerId, string? ip, Guid clientId)
    {
        var keys = new List<string>(2);
        if (!string.IsNullOrWhiteSpace(callerId))
        {
            keys.Add("caller:" + callerId.Trim());
        }
        if (!string.IsNullOrWhiteSpace(ip))
        {
            keys.Add("ip:" + ip.Trim());
        }
        if (keys.Count == 0)
        {
            keys.Add("client:" + clientId.ToString("N"));
        }
        return keys;
    }

    /// <summary>How long the most restricted of these sources is still throttled, or null.</summary>
    public async Task<TimeSpan?> BlockedForAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var until = await db.SourceBlocks.AsNoTracking()
            .Where(b => keys.Contains(b.SourceKey) && b.Until > now)
            .Select(b => (DateTimeOffset?)b.Until)
            .MaxAsync(cancellationToken).ConfigureAwait(false);
        return until is null ? null : until - now;
    }

    /// <summary>
    /// Records the failure once, under its most specific source (calling number, else IP, else client), inside the
    /// caller's transaction, and throttles that source when it is over a limit. One row per failed attempt also gives
    /// the system-wide failure rate (<see cref="FailuresInLastMinuteAsync"/>).
    /// </summary>
    public async Task RecordFailureAsync(Guid kasseId, IReadOnlyList<string> keys, string kvnr, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var now = clock.GetUtcNow();
        var key = keys[0];
        db.SourceFailures.Add(new SourceFailure { SourceKey = key, SubjectKvnr = kvnr, At = now });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        var since = now - _options.Window;
        var window = db.SourceFailures.AsNoTracking().Where(f => f.SourceKey == key && f.At > since);
        var failures = await window.CountAsync(cancellationToken).ConfigureAwait(false);
        if (failures < _options.MaxAccountsPerSource && failures < _options.MaxFailuresPerSource)
        {
            return; // cannot be over either limit: skip the distinct count
        }
        var accounts = await window.Select(f => f.SubjectKvnr).Distinct().CountAsync(cancellationToken).ConfigureAwait(false);
        if (accounts < _options.MaxAccountsPerSource && failures < _options.MaxFailuresPerSource)
        {
            return;
        }
        var until = now + _options.BlockFor;
        var block = await db.SourceBlocks.AsTracking().SingleOrDefaultAsync(b => b.SourceKey == key, cancellationToken).ConfigureAwait(false);
        if (block is null)
        {
            db.SourceBlocks.Add(new SourceBlock { SourceKey = key, Until = until });
        }
        else
        {
            block.Until = until;
        }
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.SourceThrottled, AuditOutcome.Refused,
            ReasonCode: "source-throttled", Details: $"{{\"source\":\"{Escape(key)}\",\"failures\":{failures},\"accounts\":{accounts},\"until\":\"{until:O}\"}}"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Failed attempts in the last minute, across every server process.</summary>
    public Task<int> FailuresInLastMinuteAsync(CancellationToken cancellationToken = default)
    {
        var since = clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        return db.SourceFailures.AsNoTracking().CountAsync(f => f.At > since, cancellationToken);
    }

    /// <summary>Forgets failures that left every window, and expired blocks (run by the maintenance job).</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var before = now - (_options.Window > TimeSpan.FromMinutes(1) ? _options.Window : TimeSpan.FromMinutes(1));
        await db.SourceBlocks.Where(b => b.Until <= now).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        return await db.SourceFailures.Where(f => f.At <= before).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
