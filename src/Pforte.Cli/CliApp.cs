using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pforte.Cli.Commands;
using Pforte.Core;
using Pforte.Core.Common;
using Pforte.Core.Persistence;
using Pforte.Keys.Pkcs11;
using Pforte.Letters.Pdf;

namespace Pforte.Cli;

/// <summary>
/// <c>pforte</c>: the operations tool. It reads the same configuration as the web host (appsettings.json in the
/// working directory, then <c>Pforte__…</c> environment variables), so both work on the same database.
/// </summary>
public static class CliApp
{
    public static class ExitCodes
    {
        public const int Ok = 0;
        public const int Refused = 1;
        public const int BadInput = 2;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? overrides = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        if (CheckArguments(args) is { } bad)
        {
            await stderr.WriteLineAsync($"{bad.Code}: {bad.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        var context = new CliContext(stdout, stderr, overrides);
        var root = new RootCommand("Pforte – sichere Kommunikation mit Versicherten: Betriebswerkzeug.");
        foreach (var command in new[]
                 {
                     AuditCommands.Build(context),
                     DemoCommands.Build(context),
                     DbCommands.Build(context),
                     KasseCommands.Build(context),
                     ClientCommands.Build(context),
                     StaffCommands.Build(context),
                     CodesCommands.Build(context),
                     KeysCommands.Build(context),
                     ImportCommands.Build(context),
                     LettersCommands.Build(context),
                     BranchesCommands.Build(context),
                     MailboxCommands.Build(context),
                     BackupCommands.Build(context),
                 })
        {
            root.Subcommands.Add(command);
        }
        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Longest argument taken (a path may be 4,096 bytes on Linux); longer ones are refused.</summary>
    public const int MaxArgumentLength = 4096;

    /// <summary>
    /// The input policy (ADR 0013) for every argument of every command, before any command runs: no control
    /// characters (NUL, ESC, line breaks …), no lone surrogates or bidi controls, at most <see cref="MaxArgumentLength"/>
    /// characters. The refusal names the option the value belongs to, or the argument's position.
    /// </summary>
    public static Error? CheckArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg.StartsWith("--", StringComparison.Ordinal) ? arg.Split('=')[0]
                : i > 0 && args[i - 1].StartsWith("--", StringComparison.Ordinal) ? args[i - 1].Split('=')[0]
                : $"#{i + 1}";
            if (TextInput.FirstForbidden(arg) is { } position)
            {
                return new Error(ErrorCodes.InputArgument, TextInput.Echo(name), position + 1);
            }
            if (arg.Length > MaxArgumentLength)
            {
                return new Error(ErrorCodes.FieldTooLong, TextInput.Echo(name), MaxArgumentLength);
            }
        }
        return null;
    }
}

/// <summary>What a command needs of the database before it runs.</summary>
public enum DatabaseNeed
{
    /// <summary>Pforte's schema, fully migrated (almost every command).</summary>
    Current = 1,
    /// <summary>The command checks for itself (<c>db migrate</c>) or does not read the database (<c>letters sample</c>, <c>keys rotate</c>).</summary>
    None = 2,
}

/// <summary>What every command needs: output streams and a way to get a fresh service scope on the configured database.</summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? overrides)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    public IConfiguration BuildConfiguration()
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables();
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }
        return builder.Build();
    }

    public ServiceProvider BuildServices()
    {
        var configuration = BuildConfiguration();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).SetMinimumLevel(LogLevel.Warning));
        services.AddPforteCore(configuration);
        services.AddPdfLetters();
        services.AddPkcs11KeyStore(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>
    /// Runs a command body in a service scope; a refusal prints its code and German sentence and returns 1. Unless
    /// <paramref name="database"/> says otherwise, the database must be Pforte's and migrated first (an unmigrated,
    /// outdated or foreign one is a <c>PF-DB-…</c> sentence, not a stack trace).
    /// </summary>
    public async Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task<int>> body, CancellationToken cancellationToken, DatabaseNeed database = DatabaseNeed.Current)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await using var provider = BuildServices();
            await using var scope = provider.CreateAsyncScope();
            if (database == DatabaseNeed.Current
                && await DatabaseSchema.EnsureCurrentAsync(scope.ServiceProvider.GetRequiredService<PforteDbContext>(), cancellationToken).ConfigureAwait(false) is { } notReady)
            {
                return await FailAsync(notReady).ConfigureAwait(false);
            }
            return await body(scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            // Bad configuration: the validator's message carries the error code and sentence.
            await Err.WriteLineAsync(string.Join(Environment.NewLine, ex.Failures)).ConfigureAwait(false);
            return CliApp.ExitCodes.Refused;
        }
        catch (Pforte.Core.Common.Keys.KeyStoreException ex)
        {
            // Key store settings that cannot work: the PF-HSM code and sentence, never the PIN, no stack trace.
            return await FailAsync(ex.Error).ConfigureAwait(false);
        }
        catch (Pforte.Core.Common.Keys.KeyStoreUnavailableException)
        {
            return await FailAsync(new Error(ErrorCodes.HsmUnavailable)).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex)
        {
            // The database went away or refused mid-command (a lost connection, a file locked or removed).
            await using var provider = BuildServices();
            await using var scope = provider.CreateAsyncScope();
            return await FailAsync(new Error(ErrorCodes.DbUnreachable, DatabaseSchema.Describe(scope.ServiceProvider.GetRequiredService<PforteDbContext>()), ex.Message)).ConfigureAwait(false);
        }
    }

    public async Task<int> FailAsync(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        await Err.WriteLineAsync($"{error.Code}: {error.Message}").ConfigureAwait(false);
        // Input the policy refuses (ADR 0013) is bad input, like a malformed argument: exit code 2.
        return error.Code is ErrorCodes.InputForbiddenCharacter or ErrorCodes.FieldTooLong or ErrorCodes.InputArgument
            ? CliApp.ExitCodes.BadInput
            : CliApp.ExitCodes.Refused;
    }
}
