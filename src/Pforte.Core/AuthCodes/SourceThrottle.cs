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
/// <para>
/// The sources are asserted by the client. One that rotates them (a fresh caller id per request) escapes every
/// per-source limit; each failure is therefore also counted under its API client (a watch key, never a block), and
/// a client whose failures reach <see cref="ThrottleOptions.AlarmAccountsPerClient"/> distinct accounts within the
/// window raises an alarm — an audit entry and a metric — once per window, without throttling the client.
/// </para>
/// </summary>
public sealed class SourceThrottle(PforteDbContext db, IOptions<ThrottleOptions> options, AuditLog audit, AuthCodeMetrics metrics, TimeProvider clock)
{
    private readonly ThrottleOptions _options = options.Value;

    /// <summary>
    /// The throttling keys of an attempt, most specific first, from its source in canonical form
    /// (<see cref="MachineSource"/>). Every key belongs to one Kasse: a source that fails at one Kasse is throttled
    /// there only, and never blocks the same caller or IP at another Kasse. An IPv6 address counts by its /64 prefix —
    /// the block one subscriber gets, in which an attacker can pick a fresh address for every request.
    /// </summary>
    public static IReadOnlyList<string> KeysFor(Guid kasseId, string? callerId, string? ip, Guid clientId)
    {
        var kasse = kasseId.ToString("N");
        var keys = new List<string>(2);
        if (!string.IsNullOrEmpty(callerId))
        {
            keys.Add($"{kasse}/caller:{callerId}");
        }
        if (!string.IsNullOrEmpty(ip))
        {
            keys.Add($"{kasse}/ip:{IpKey(ip)}");
        }
        if (keys.Count == 0)
        {
            keys.Add($"{kasse}/client:{clientId:N}");
        }
        return keys;
    }

    private static string IpKey(string ip)
    {
        if (!ip.Contains(':', StringComparison.Ordinal) || !System.Net.IPAddress.TryParse(ip, out var address))
        {
            return ip;
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    /// <summary>How long the most restricted of these sources is still throttled, or null.</summary>
    public async Task<TimeSpan?> BlockedForAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        var blocks = await BlocksAsync(keys, cancellationToken).ConfigureAwait(false);
        return BlockedFor(keys, blocks);
    }

    /// <summary>The blocks in force for any of these sources (one statement for a whole batch of attempts).</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> BlocksAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        var blocks = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var wanted = keys.Distinct(StringComparer.Ordinal).Select(k => (object?)k).ToList();
        if (wanted.Count == 0)
        {
            return blocks;
        }
        var sql = await PlainSql.CreateAsync(db, "", cancellationToken).ConfigureAwait(false);
        await using (sql.ConfigureAwait(false))
        {
            var list = sql.InList<SourceBlock>("source_key", "@k", nameof(SourceBlock.SourceKey), wanted);
            sql.With<SourceBlock>("@now", nameof(SourceBlock.Until), clock.GetUtcNow());
            sql.Command.CommandText = $"SELECT source_key, until FROM source_blocks WHERE {list} AND until > @now";
            var reader = await sql.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    blocks[reader.GetString(0)] = sql.Read<SourceBlock, DateTimeOffset>(reader, 1, nameof(SourceBlock.Until));
                }
            }
        }
        return blocks;
    }

    /// <summary>How long the most restricted of these sources is still throttled according to <paramref name="blocks"/>.</summary>
    public TimeSpan? BlockedFor(IReadOnlyList<string> keys, IReadOnlyDictionary<string, DateTimeOffset> blocks)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(blocks);
        DateTimeOffset? until = null;
        foreach (var key in keys)
        {
            if (blocks.TryGetValue(key, out var u) && (until is null || u > until))
            {
                until = u;
            }
        }
        var now = clock.GetUtcNow();
        return until is { } t && t > now ? t - now : null;
    }

    /// <summary>
    /// Records failed attempts inside the caller's transaction, each once under its most specific source (calling
    /// number, else IP, else client), and throttles every source that is now over a limit. One row per failed attempt
    /// also gives the system-wide failure rate (<see cref="FailuresInLastMinuteAsync"/>). A whole batch of attempts
    /// costs one insert and one aggregate query, however many sources failed.
    /// </summary>
    public Task RecordFailuresAsync(IReadOnlyList<FailedAttemptSource> failures, CancellationToken cancellationToken = default) =>
        RecordFailuresAsync(failures, null, cancellationToken);

    /// <summary>
    /// As above; on PostgreSQL with a <paramref name="writes"/> batch the new rows go into the batch (sent with the
    /// transaction's other last writes), and the window query counts them alongside the stored ones.
    /// </summary>
    internal async Task RecordFailuresAsync(IReadOnlyList<FailedAttemptSource> failures, WriteBatch? writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (failures.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow();
        foreach (var failure in failures)
        {
            db.SourceFailures.Add(new SourceFailure { SourceKey = failure.Keys[0], SubjectKvnr = failure.Kvnr, At = now });
            db.SourceFailures.Add(new SourceFailure { SourceKey = WatchKey(failure), SubjectKvnr = failure.Kvnr, At = now });
        }
        await db.FlushAddedAsync<SourceFailure>(writes, cancellationToken).ConfigureAwait(false);

        var since = now - _options.Window;
        var keys = failures.Select(f => f.Keys[0]).Distinct(StringComparer.Ordinal).ToList();
        var windows = writes is null
            ? await db.SourceFailures.AsNoTracking()
                .Where(f => keys.Contains(f.SourceKey) && f.At > since)
                .GroupBy(f => f.SourceKey)
                .Select(g => new Window(g.Key, g.Count(), g.Select(f => f.SubjectKvnr).Distinct().Count()))
                .ToListAsync(cancellationToken).ConfigureAwait(false)
            : await WindowsWithUnsentAsync(keys, since, failures, cancellationToken).ConfigureAwait(false);
        foreach (var window in windows.Where(w => w.Accounts >= _options.MaxAccountsPerSource || w.Failures >= _options.MaxFailuresPerSource))
        {
            var until = now + _options.BlockFor;
            var block = await db.SourceBlocks.AsTracking().SingleOrDefaultAsync(b => b.SourceKey == window.Key, cancellationToken).ConfigureAwait(false);
            if (block is null)
            {
                db.SourceBlocks.Add(new SourceBlock { SourceKey = window.Key, Until = until });
            }
            else
            {
                block.Until = until;
            }
            var first = failures.First(f => string.Equals(f.Keys[0], window.Key, StringComparison.Ordinal));
            await audit.AppendAsync(first.KasseId, first.Context, new AuditEvent(AuditAction.SourceThrottled, AuditOutcome.Refused,
                ReasonCode: "source-throttled", Details: $"{{\"source\":\"{Escape(window.Key)}\",\"failures\":{window.Failures},\"accounts\":{window.Accounts},\"until\":\"{until:O}\"}}"), cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed record Window(string Key, int Failures, int Accounts);

    private const string Watch = "/watch-client:";

    /// <summary>The key under which a failure also counts for its API client: never looked up as a block.</summary>
    private static string WatchKey(FailedAttemptSource failure) => $"{failure.KasseId:N}{Watch}{failure.ClientId:N}";

    /// <summary>
    /// Raises the per-client alarm for every API client whose failures reached <see cref="ThrottleOptions.AlarmAccountsPerClient"/>
    /// distinct accounts within the window, once per client and window. Run by <see cref="FailureRateMonitor"/> on every
    /// tick of the background jobs, not with each failed attempt: counting a client's distinct accounts reads all its
    /// failures in the window, which on the hot path cost a busy IVR client its throughput (one query per batch over
    /// tens of thousands of rows); an alarm a tick later bounds the same. Returns the number of alarms raised.
    /// </summary>
    public async Task<int> RaiseClientAlarmsAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var since = now - _options.Window;
        var threshold = _options.AlarmAccountsPerClient;
        var windows = await db.SourceFailures.AsNoTracking()
            .Where(f => f.SourceKey.Contains(Watch) && f.At > since)
            .GroupBy(f => f.SourceKey)
            .Where(g => g.Select(f => f.SubjectKvnr).Distinct().Count() >= threshold)
            .Select(g => new Window(g.Key, g.Count(), g.Select(f => f.SubjectKvnr).Distinct().Count()))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var raised = 0;
        foreach (var window in windows)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            if (await AlarmAsync(window, now, cancellationToken).ConfigureAwait(false))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                metrics.ClientAlarm();
                raised++;
            }
        }
        return raised;
    }

    /// <summary>
    /// One alarm per client and window: a marker in <c>source_blocks</c> under a key no attempt ever carries (so it
    /// blocks nothing) remembers that the alarm was raised.
    /// </summary>
    private async Task<bool> AlarmAsync(Window window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = window.Key.IndexOf(Watch, StringComparison.Ordinal);
        var kasseId = Guid.ParseExact(window.Key[..at], "N");
        var clientId = Guid.ParseExact(window.Key[(at + Watch.Length)..], "N");
        var marker = window.Key.Replace(Watch, "/alarm-client:", StringComparison.Ordinal);
        var until = now + _options.Window;
        var existing = await db.SourceBlocks.AsTracking().SingleOrDefaultAsync(b => b.SourceKey == marker, cancellationToken).ConfigureAwait(false);
        if (existing is not null && existing.Until > now)
        {
            return false;
        }
        if (existing is null)
        {
            db.SourceBlocks.Add(new SourceBlock { SourceKey = marker, Until = until });
        }
        else
        {
            existing.Until = until;
        }
        await audit.AppendAsync(kasseId, AuditContext.System("client-spray-monitor"), new AuditEvent(AuditAction.ClientSprayAlarm, AuditOutcome.Info,
            ReasonCode: "client-spray", Details: $"{{\"client\":\"{clientId}\",\"failures\":{window.Failures},\"accounts\":{window.Accounts},\"until\":\"{until:O}\"}}"), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The windows of these sources: the stored failures plus this batch's, which are not sent yet.</summary>
    private async Task<List<Window>> WindowsWithUnsentAsync(List<string> keys, DateTimeOffset since, IReadOnlyList<FailedAttemptSource> failures, CancellationToken cancellationToken)
    {
        var windows = new List<Window>(keys.Count);
        var sql = await PlainSql.CreateAsync(db, "SELECT k, count(*)::int, count(DISTINCT v)::int FROM ("
            + "SELECT source_key AS k, subject_kvnr AS v FROM source_failures WHERE source_key = ANY(@keys) AND at > @since "
            + "UNION ALL SELECT * FROM unnest(@unsentKeys::text[], @unsentKvnrs::text[])) AS f GROUP BY k", cancellationToken).ConfigureAwait(false);
        await using (sql.ConfigureAwait(false))
        {
            sql.With<SourceFailure>("@since", nameof(SourceFailure.At), since);
            sql.WithArray("@keys", keys.ToArray())
                .WithArray("@unsentKeys", failures.Select(f => f.Keys[0]).ToArray())
                .WithArray("@unsentKvnrs", failures.Select(f => f.Kvnr).ToArray());
            var reader = await sql.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    windows.Add(new Window(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
                }
            }
        }
        return windows;
    }

    /// <summary>Failed attempts in the last minute, across every server process.</summary>
    public Task<int> FailuresInLastMinuteAsync(CancellationToken cancellationToken = default)
    {
        var since = clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        return db.SourceFailures.AsNoTracking().CountAsync(f => f.At > since && !f.SourceKey.Contains(Watch), cancellationToken);
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

/// <summary>A failed attempt's sources (most specific first), the KVNR tried, and who to record the throttling for.</summary>
public sealed record FailedAttemptSource(Guid KasseId, Guid ClientId, IReadOnlyList<string> Keys, string Kvnr, AuditContext Context);
