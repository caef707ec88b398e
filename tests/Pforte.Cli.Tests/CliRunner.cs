namespace Pforte.Cli.Tests;

/// <summary>Runs the real CLI in-process against a test database and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record Run(int ExitCode, string Out, string Err);

    public static async Task<Run> RunAsync(IReadOnlyDictionary<string, string?> configuration, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, configuration);
        return new Run(code, stdout.ToString(), stderr.ToString());
    }
}
