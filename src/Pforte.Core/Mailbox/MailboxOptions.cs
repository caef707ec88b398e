using Microsoft.Extensions.Options;

namespace Pforte.Core.Mailbox;

/// <summary><c>Pforte:Mailbox</c>: limits, the team's answer time and how long threads are kept (ADR 0019).</summary>
public sealed class MailboxOptions
{
    public const string Section = "Pforte:Mailbox";
    public const int TemplateNameLength = 100;
    public const int TemplateTextLength = 20_000;

    public int SubjectMaxLength { get; set; } = 200;

    public int BodyMaxLength { get; set; } = 20_000;

    /// <summary>Days the team has to answer a new thread (or a person's reply): the due date's default.</summary>
    public int DueDays { get; set; } = 5;

    /// <summary>Threads are deleted this many days after their last message (default about 3 years).</summary>
    public int RetentionDays { get; set; } = 1096;

    /// <summary>Search decrypts at most this many of the person's newest threads (subjects and bodies) in memory.</summary>
    public int SearchWindow { get; set; } = 1000;
}

internal sealed class MailboxOptionsValidator : IValidateOptions<MailboxOptions>
{
    public ValidateOptionsResult Validate(string? name, MailboxOptions options)
    {
        var problems = new List<string>();
        if (options.SubjectMaxLength is < 1 or > 1000)
        {
            problems.Add($"{MailboxOptions.Section}:SubjectMaxLength must be 1–1000.");
        }
        if (options.BodyMaxLength is < 1 or > 100_000)
        {
            problems.Add($"{MailboxOptions.Section}:BodyMaxLength must be 1–100000.");
        }
        if (options.DueDays is < 1 or > 365)
        {
            problems.Add($"{MailboxOptions.Section}:DueDays must be 1–365.");
        }
        if (options.RetentionDays is < 30 or > 36_500)
        {
            problems.Add($"{MailboxOptions.Section}:RetentionDays must be 30–36500.");
        }
        if (options.SearchWindow is < 1 or > 100_000)
        {
            problems.Add($"{MailboxOptions.Section}:SearchWindow must be 1–100000.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
