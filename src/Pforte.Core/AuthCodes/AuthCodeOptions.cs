using Microsoft.Extensions.Options;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// <c>Pforte:AuthCodes</c>. Defaults follow security.md; the arithmetic behind them is in docs/guessing.md.
/// </summary>
public sealed class AuthCodeOptions
{
    public const string Section = "Pforte:AuthCodes";

    /// <summary>Consecutive failures (right KVNR and card, wrong code) that lock the code.</summary>
    public int MaxFailures { get; set; } = 3;

    /// <summary>Automatic re-issues after a lock allowed per person within <see cref="AutoReissuePeriod"/>.</summary>
    public int AutoReissueCap { get; set; } = 2;

    public TimeSpan AutoReissuePeriod { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a successful machine authentication may be referenced by later decisions.</summary>
    public TimeSpan AuthenticationValidity { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Digits of the card number accepted per channel: 20 = the full number, else the last N (at least 5).</summary>
    public Dictionary<string, int> CardDigits { get; set; } = new(StringComparer.Ordinal) { ["portal"] = 20, ["phone"] = 10 };

    /// <summary>The card digits this channel accepts: the full number or its last N digits.</summary>
    public int CardDigitsFor(string channel) => CardDigits.TryGetValue(channel, out var n) ? n : Common.CardNumber.Length;

    /// <summary>Time of day (Europe/Berlin) for the daily issue run in the web host; null switches it off.</summary>
    public TimeOnly? DailyIssueAt { get; set; } = new TimeOnly(2, 30);
}

/// <summary><c>Pforte:Throttling</c>: the spraying defence.</summary>
public sealed class ThrottleOptions
{
    public const string Section = "Pforte:Throttling";

    /// <summary>The sliding window over which a source's failures are counted.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Distinct accounts a source may fail on within the window before it is throttled.</summary>
    public int MaxAccountsPerSource { get; set; } = 10;

    /// <summary>Failures a source may have within the window (on any accounts) before it is throttled.</summary>
    public int MaxFailuresPerSource { get; set; } = 30;

    /// <summary>How long a throttled source gets 429.</summary>
    public TimeSpan BlockFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>System-wide failures per minute above which an alarm is written to the audit record.</summary>
    public int AlarmFailuresPerMinute { get; set; } = 200;

    /// <summary>
    /// Distinct accounts one API client's failed attempts may reach within the window, across every source it names,
    /// before an alarm is written (<see cref="Audit.AuditAction.ClientSprayAlarm"/>). Nothing is blocked: the client
    /// carries legitimate callers too (docs/guessing.md).
    /// </summary>
    public int AlarmAccountsPerClient { get; set; } = 100;
}

internal sealed class AuthCodeOptionsValidator : IValidateOptions<AuthCodeOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthCodeOptions o)
    {
        var errors = new List<string>();
        if (o.MaxFailures is < 1 or > 10)
        {
            errors.Add("Pforte:AuthCodes:MaxFailures muss zwischen 1 und 10 liegen (mehr Versuche machen einen vierstelligen Code ratbar).");
        }
        if (o.AutoReissueCap is < 0 or > 10)
        {
            errors.Add("Pforte:AuthCodes:AutoReissueCap muss zwischen 0 und 10 liegen.");
        }
        if (o.AutoReissuePeriod < TimeSpan.FromDays(1))
        {
            errors.Add("Pforte:AuthCodes:AutoReissuePeriod muss mindestens einen Tag betragen.");
        }
        if (o.AuthenticationValidity < TimeSpan.FromMinutes(1) || o.AuthenticationValidity > TimeSpan.FromHours(8))
        {
            errors.Add("Pforte:AuthCodes:AuthenticationValidity muss zwischen 1 Minute und 8 Stunden liegen.");
        }
        foreach (var (channel, digits) in o.CardDigits)
        {
            if (channel is not ("phone" or "portal"))
            {
                errors.Add($"Pforte:AuthCodes:CardDigits: Kanal „{channel}“ kennt das maschinelle Verfahren nicht (phone, portal).");
            }
            if (digits is < 5 or > 20)
            {
                errors.Add($"Pforte:AuthCodes:CardDigits:{channel} muss zwischen 5 und 20 liegen.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class ThrottleOptionsValidator : IValidateOptions<ThrottleOptions>
{
    public ValidateOptionsResult Validate(string? name, ThrottleOptions o)
    {
        var errors = new List<string>();
        if (o.Window < TimeSpan.FromSeconds(10))
        {
            errors.Add("Pforte:Throttling:Window muss mindestens 10 Sekunden betragen.");
        }
        if (o.MaxAccountsPerSource < 1 || o.MaxFailuresPerSource < 1)
        {
            errors.Add("Pforte:Throttling:MaxAccountsPerSource und MaxFailuresPerSource müssen mindestens 1 sein.");
        }
        if (o.BlockFor < TimeSpan.FromSeconds(1))
        {
            errors.Add("Pforte:Throttling:BlockFor muss mindestens 1 Sekunde betragen.");
        }
        if (o.AlarmAccountsPerClient < 1)
        {
            errors.Add("Pforte:Throttling:AlarmAccountsPerClient muss mindestens 1 sein.");
        }
        if (o.AlarmFailuresPerMinute < 1)
        {
            errors.Add("Pforte:Throttling:AlarmFailuresPerMinute muss mindestens 1 sein.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
