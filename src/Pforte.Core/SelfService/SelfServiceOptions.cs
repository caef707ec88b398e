using Microsoft.Extensions.Options;

namespace Pforte.Core.SelfService;

/// <summary><c>Pforte:SelfService</c>: limits of what the insured person does in the portal (ADR 0016).</summary>
public sealed class SelfServiceOptions
{
    public const string Section = "Pforte:SelfService";

    /// <summary>
    /// New codes a person may order (or block and renew) by post within <see cref="CodeOrderPeriod"/>. Every order
    /// sends a letter and invalidates the code in use; beyond the cap the person calls the Kasse, whose staff can
    /// still re-issue (domain.md §5.5).
    /// </summary>
    public int CodeOrderCap { get; set; } = 3;

    public TimeSpan CodeOrderPeriod { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How far back the effective date of an address change may lie (a move reported a little late).</summary>
    public int AddressDaysBack { get; set; } = 30;

    /// <summary>How far ahead an address change may be scheduled.</summary>
    public int AddressDaysAhead { get; set; } = 180;

    /// <summary>How long the link of the double opt-in for the contact e-mail address works.</summary>
    public TimeSpan EmailLinkValidity { get; set; } = TimeSpan.FromHours(24);
}

public sealed class SelfServiceOptionsValidator : IValidateOptions<SelfServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, SelfServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.CodeOrderCap < 1)
        {
            failures.Add("Pforte:SelfService:CodeOrderCap muss mindestens 1 sein.");
        }
        if (options.CodeOrderPeriod < TimeSpan.FromDays(1))
        {
            failures.Add("Pforte:SelfService:CodeOrderPeriod muss mindestens einen Tag betragen.");
        }
        if (options.AddressDaysBack is < 0 or > 366 || options.AddressDaysAhead is < 0 or > 366)
        {
            failures.Add("Pforte:SelfService:AddressDaysBack und AddressDaysAhead müssen zwischen 0 und 366 liegen.");
        }
        if (options.EmailLinkValidity < TimeSpan.FromMinutes(5) || options.EmailLinkValidity > TimeSpan.FromDays(7))
        {
            failures.Add("Pforte:SelfService:EmailLinkValidity muss zwischen 5 Minuten und 7 Tagen liegen.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>A refusal that names the form field it belongs to, so that a page can link its error summary to it.</summary>
public sealed record FieldError(string Field, Common.Error Error);
