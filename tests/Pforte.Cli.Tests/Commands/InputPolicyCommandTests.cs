using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Commands;

/// <summary>The input policy (ADR 0013) on the command line: bad characters and over-long values are exit code 2 and change nothing.</summary>
public sealed class InputPolicyCommandTests
{
    private static string[] CreateKasse(string name, string city = "Frankfurt am Main") =>
        ["kasse", "create", "--ik", TestData.Ik, "--name", name, "--street", "Hauptstraße", "--house-number", "1", "--postal-code", "60311", "--city", city];

    public static TheoryData<string, string, string> BadArguments => new()
    {
        { "BKK\0Süd", "--name", ErrorCodes.InputArgument },
        { "BKK \u001b[31mSüd", "--name", ErrorCodes.InputArgument },
        { "BKK\u007fSüd", "--name", ErrorCodes.InputArgument },
        { "BKK\u0085Süd", "--name", ErrorCodes.InputArgument },
        { "BKK\nSüd", "--name", ErrorCodes.InputArgument },
        { "BKK \ud800Süd", "--name", ErrorCodes.InputArgument },
        { "BKK \u202eSüd", "--name", ErrorCodes.InputArgument },
        { new string('x', 5000), "--name", ErrorCodes.FieldTooLong },
        { new string('x', 201), "name", ErrorCodes.FieldTooLong }, // within the argument limit, beyond the column: Core refuses
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task A_bad_argument_is_exit_code_2_naming_it_and_nothing_is_created(string name, string named, string code)
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var create = await CliRunner.RunAsync(testDb.Configuration, CreateKasse(name));
        Assert.Equal(2, create.ExitCode);
        Assert.StartsWith(code + ": ", create.Err, StringComparison.Ordinal);
        Assert.Contains($"„{named}“", create.Err, StringComparison.Ordinal);
        Assert.Equal("", (await CliRunner.RunAsync(testDb.Configuration, "kasse", "list")).Out.Trim());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Values_are_stored_trimmed_and_in_NFC_on_both_databases(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        // "Süd" with a combining diaeresis (u + U+0308) is stored as the precomposed "Süd".
        var create = await CliRunner.RunAsync(testDb.Configuration, CreateKasse(" BKK Su\u0308d ", "Mu\u0308nchen"));
        Assert.Equal(0, create.ExitCode);
        var list = await CliRunner.RunAsync(testDb.Configuration, "kasse", "list");
        Assert.Contains($"{TestData.Ik}\tBKK Süd", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_positional_argument_is_named_by_its_position()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var run = await CliRunner.RunAsync(testDb.Configuration, "codes", "status", "A123456789\u001b");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(ErrorCodes.InputArgument + ": ", run.Err, StringComparison.Ordinal);
        Assert.Contains("„#3“", run.Err, StringComparison.Ordinal);
    }
}
