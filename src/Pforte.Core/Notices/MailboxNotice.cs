namespace Pforte.Core.Notices;

/// <summary>
/// One waiting (or sent, or given-up) e-mail notice. Holds no address (resolved from the confirmed contact address
/// when sending) and never any content: only that the person has something new.
/// </summary>
public sealed class MailboxNotice
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A sender's claim: until then no other node touches the row.</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    public string? LeasedBy { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? GivenUpAt { get; set; }

    /// <summary>A stable error code of the last failure (never the server's text, which may quote the address).</summary>
    public string? LastErrorCode { get; set; }
}

/// <summary>Settings under <c>Pforte:Notices</c>.</summary>
public sealed class NoticeOptions
{
    public const string Section = "Pforte:Notices";

    /// <summary>Off switch; notices are also off while no mail server is configured.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a new notice waits before it goes, so that a burst of messages makes one mail.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>At most one notice per person within this window.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Waits before the 2nd, 3rd, … attempt; after the last one the notice is given up.</summary>
    /// <remarks>Unset: 1 min, 5 min, 30 min, 2 h, 8 h — six attempts in about ten and a half hours.</remarks>
    public TimeSpan[]? RetryDelays { get; set; }

    public IReadOnlyList<TimeSpan> Retries => RetryDelays is { Length: > 0 } set ? set : DefaultRetries;

    private static readonly TimeSpan[] DefaultRetries =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(8)];

    /// <summary>How long a sender's claim on a row lasts (a crashed node's rows come free after it).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the sender looks for due notices.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// The portal's public start address for the mail (from <c>Pforte:Portal:PublicBaseUrl</c>); only scheme, host and
    /// path are used. Empty: the mail names the portal without a link.
    /// </summary>
    public string? PortalUrl { get; set; }
}
