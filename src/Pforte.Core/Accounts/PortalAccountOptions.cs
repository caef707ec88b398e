using Microsoft.Extensions.Options;

namespace Pforte.Core.Accounts;

/// <summary>Settings of portal accounts and sessions (<c>Pforte:Portal:Accounts</c>), validated at start.</summary>
public sealed class PortalAccountOptions
{
    public const string Section = "Pforte:Portal:Accounts";

    /// <summary>OWASP's minimum length for a password without composition rules.</summary>
    public int MinPasswordLength { get; set; } = 10;

    /// <summary>
    /// PBKDF2-HMAC-SHA512 iterations of Identity's hasher: OWASP's Password Storage Cheat Sheet asks for 210,000 (the
    /// framework's default is 100,000). A login costs one such hash; that is by design (docs/benchmarks.md).
    /// </summary>
    public int PasswordIterations { get; set; } = 210_000;

    /// <summary>Consecutive failed sign-ins (password or second factor) that lock the account for <see cref="LockoutFor"/>.</summary>
    public int MaxFailures { get; set; } = 5;

    public TimeSpan LockoutFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a registration may take from the verified code to the confirmed second factor.</summary>
    public TimeSpan RegistrationValidity { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends after this much idle time (issue 12: 15 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after its login, however active (issue 12: 8 hours).</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);
}

internal sealed class PortalAccountOptionsValidator : IValidateOptions<PortalAccountOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalAccountOptions o)
    {
        const string s = PortalAccountOptions.Section;
        var errors = new List<string>();
        if (o.MinPasswordLength is < 10 or > 64)
        {
            errors.Add($"{s}:MinPasswordLength: zwischen 10 und 64 Zeichen (OWASP: mindestens 10).");
        }
        if (o.PasswordIterations < 210_000)
        {
            errors.Add($"{s}:PasswordIterations: mindestens 210000 (OWASP, PBKDF2-HMAC-SHA512).");
        }
        if (o.MaxFailures is < 3 or > 20)
        {
            errors.Add($"{s}:MaxFailures: zwischen 3 und 20.");
        }
        if (o.LockoutFor < TimeSpan.FromMinutes(1) || o.LockoutFor > TimeSpan.FromDays(1))
        {
            errors.Add($"{s}:LockoutFor: zwischen einer Minute und einem Tag.");
        }
        if (o.RegistrationValidity < TimeSpan.FromMinutes(5) || o.RegistrationValidity > TimeSpan.FromHours(2))
        {
            errors.Add($"{s}:RegistrationValidity: zwischen 5 Minuten und 2 Stunden.");
        }
        if (o.IdleTimeout < TimeSpan.FromMinutes(1) || o.IdleTimeout > o.AbsoluteTimeout)
        {
            errors.Add($"{s}:IdleTimeout: mindestens eine Minute und höchstens die absolute Dauer.");
        }
        if (o.AbsoluteTimeout > TimeSpan.FromHours(12))
        {
            errors.Add($"{s}:AbsoluteTimeout: höchstens 12 Stunden.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
