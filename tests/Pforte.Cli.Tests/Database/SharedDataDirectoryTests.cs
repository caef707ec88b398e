using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Pforte.Cli.Tests.Database;

/// <summary>
/// Issue 11, finding 3: the README's two commands on a fresh machine. The web host and the CLI, started as processes
/// from two different working directories with nothing configured, use one database and one key ring — the data
/// directory of the user (here a fresh XDG_DATA_HOME), never the working directory.
/// </summary>
public sealed class SharedDataDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pforte-tests", "fresh-" + Guid.NewGuid().ToString("N"));

    private string Home => Path.Combine(_root, "home");

    private string DataHome => Path.Combine(_root, "xdg-data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pforte.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Pforte.slnx not found above " + AppContext.BaseDirectory);
    }

    private ProcessStartInfo Start(string project, string assembly, string workingDirectory, params string[] args)
    {
        // Built with the test project (project reference) in the same configuration: …/bin/<Configuration>/net10.0/.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(RepositoryRoot(), "src", project, "bin", configuration, "net10.0", assembly + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is built by the test project's build (project reference)");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Pforte__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["HOME"] = Home;
        info.Environment["XDG_DATA_HOME"] = DataHome;
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["Pforte__Jobs__Enabled"] = "false";
        return info;
    }

    private async Task<(int Exit, string Out, string Err)> CliAsync(string workingDirectory, params string[] args)
    {
        using var process = Process.Start(Start("Pforte.Cli", "pforte", workingDirectory, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task The_web_host_and_the_cli_share_one_database_and_key_ring_from_any_working_directory()
    {
        var hostDir = Directory.CreateDirectory(Path.Combine(_root, "started-here")).FullName;
        var cliDir = Directory.CreateDirectory(Path.Combine(_root, "and", "the-cli-here")).FullName;
        Directory.CreateDirectory(Home);

        // Before anything ran: the CLI names the database it looked for and how to set it up.
        var early = await CliAsync(cliDir, "kasse", "list");
        Assert.Equal(1, early.Exit);
        Assert.StartsWith("PF-DB-004: ", early.Err, StringComparison.Ordinal);

        // First start of the web host: migrates the embedded database and seeds the demo Kasse.
        var info = Start("Pforte.Web", "Pforte.Web", hostDir);
        info.Environment["Logging__LogLevel__Default"] = "Information";
        info.Environment["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning";
        using (var host = Process.Start(info)!)
        {
            var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            host.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lines.Enqueue(line);
                    if (line.Contains("Application started", StringComparison.Ordinal))
                    {
                        started.TrySetResult();
                    }
                }
            };
            host.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lines.Enqueue(line);
                }
            };
            host.BeginOutputReadLine();
            host.BeginErrorReadLine();
            try
            {
                var first = await Task.WhenAny(started.Task, host.WaitForExitAsync(TestContext.Current.CancellationToken), Task.Delay(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken));
                Assert.True(first == started.Task, "host did not start: " + string.Join('\n', lines));
                Assert.Contains(lines, l => l.Contains("Demo-API-Schlüssel", StringComparison.Ordinal));
                // The first start migrates a new database: no EF warning (issue 11: "cannot be executed in a transaction") and no error.
                Assert.DoesNotContain(lines, l => l.StartsWith("warn: Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
                    || l.StartsWith("warn: Pforte", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal));
            }
            finally
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync(TestContext.Current.CancellationToken);
            }
        }

        var data = Path.Combine(DataHome, "pforte");
        Assert.True(File.Exists(Path.Combine(data, "pforte.db")));
        Assert.False(Directory.Exists(Path.Combine(hostDir, "data")));

        var list = await CliAsync(cliDir, "kasse", "list");
        Assert.True(list.Exit == 0, list.Err);
        Assert.Contains("Pforte Demo-BKK", list.Out, StringComparison.Ordinal);
        var keys = await CliAsync(cliDir, "keys", "list");
        Assert.True(keys.Exit == 0, keys.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cliDir));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(data, "keys"), "*.json"));
    }
}
