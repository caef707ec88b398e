namespace Pforte.Core.AuthCodes;

/// <summary>
/// One failed attempt from a source (caller id, IP address, API client), kept for the sliding window of the spraying
/// defence: failures per source across distinct accounts, shared by every server process through the database.
/// </summary>
public sealed class SourceFailure
{
    public long Id { get; set; }

    /// <summary><c>caller:+49…</c>, <c>ip:203.0.113.7</c>, <c>client:{id}</c>.</summary>
    public required string SourceKey { get; set; }

    /// <summary>The KVNR tried (not a secret; needed to count distinct accounts).</summary>
    public required string SubjectKvnr { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>A source throttled until a point in time.</summary>
public sealed class SourceBlock
{
    public required string SourceKey { get; set; }

    public DateTimeOffset Until { get; set; }
}

/// <summary>One row per scheduled job and day: whoever inserts it first runs the job (one process of many).</summary>
public sealed class JobRun
{
    public required string Job { get; set; }

    public DateOnly Day { get; set; }

    public required string RunBy { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}
