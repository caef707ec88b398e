using Microsoft.Extensions.Options;

namespace Pforte.Core.Staff;

/// <summary>Settings of staff accounts and sessions (<c>Pforte:Workspace:Accounts</c>), validated at start.</summary>
public sealed class StaffOptions
{
    public const string Section = "Pforte:Workspace:Accounts";

    /// <summary>Consecutive failed sign-in steps that lock the account for <see cref="LockoutFor"/>.</summary>
    public int MaxFailures { get; set; } = 5;

    public TimeSpan LockoutFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends after this much idle time (issue 14: as in the portal, 15 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after its login (a working day: 10 hours).</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(10);

    /// <summary>How long a signed-in password may wait for the authenticator app to be set up.</summary>
    public TimeSpan EnrolmentValidity { get; set; } = TimeSpan.FromMinutes(15);
}

internal sealed class StaffOptionsValidator : IValidateOptions<StaffOptions>
{
    public ValidateOptionsResult Validate(string? name, StaffOptions o)
    {
        const string s = StaffOptions.Section;
        var errors = new List<string>();
        if (o.MaxFailures is < 3 or > 20)
        {
            errors.Add($"{s}:MaxFailures: zwischen 3 und 20.");
        }
        if (o.LockoutFor < TimeSpan.FromMinutes(1) || o.LockoutFor > TimeSpan.FromDays(1))
        {
            errors.Add($"{s}:LockoutFor: zwischen einer Minute und einem Tag.");
        }
        if (o.IdleTimeout < TimeSpan.FromMinutes(1) || o.IdleTimeout > o.AbsoluteTimeout)
        {
            errors.Add($"{s}:IdleTimeout: mindestens eine Minute und höchstens die absolute Dauer.");
        }
        if (o.AbsoluteTimeout > TimeSpan.FromHours(12))
        {
            errors.Add($"{s}:AbsoluteTimeout: höchstens 12 Stunden.");
        }
        if (o.EnrolmentValidity < TimeSpan.FromMinutes(5) || o.EnrolmentValidity > TimeSpan.FromHours(1))
        {
            errors.Add($"{s}:EnrolmentValidity: zwischen 5 Minuten und einer Stunde.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
