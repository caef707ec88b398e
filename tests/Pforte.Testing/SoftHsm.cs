using System.Diagnostics;
using System.Runtime.InteropServices;
using Pforte.Core.Common.Keys;
using Pforte.Keys.Pkcs11;

namespace Pforte.Testing;

/// <summary>
/// A real SoftHSM2 for the HSM tests (ADR 0029): per test process its own token directory and configuration
/// (<c>SOFTHSM2_CONF</c>), a token made with <c>softhsm2-util</c>, and a PIN file with mode 0600. Tests keep apart by a
/// key-label prefix of their own on the shared token. Needs the softhsm2 package (scripts/test.sh installs it).
/// </summary>
public static class SoftHsm
{
    public const string Library = "/usr/lib/softhsm/libsofthsm2.so";
    public const string TokenLabel = "pforte-test";

    /// <summary>A token nobody ever signs in to with the right PIN: login state is per process, so wrong-PIN tests need their own.</summary>
    public const string LockedTokenLabel = "pforte-wrong-pin";

    /// <summary>A token the outage tests take away (its directory renamed) and bring back; used by nobody else.</summary>
    public const string OutageTokenLabel = "pforte-outage";

    private static readonly Lazy<string> Directory_ = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Directory => Directory_.Value;

    public static string PinFile => Path.Combine(Directory, "pin");

    /// <summary>A PIN file holding a wrong PIN (mode 0600).</summary>
    public static string WrongPinFile => Path.Combine(Directory, "wrong-pin");

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12] + ".";

    public static Pkcs11KeyOptions Options(string prefix, string token = TokenLabel) => new()
    {
        Library = Library, TokenLabel = token, PinFile = PinFile, KeyLabelPrefix = prefix, RefreshSeconds = 1,
    };

    /// <summary>Host settings for the HSM store with this prefix.</summary>
    public static Dictionary<string, string?> Configuration(string prefix) => new()
    {
        ["Pforte:Keys:Provider"] = KeyOptions.Pkcs11Provider,
        ["Pforte:Keys:Pkcs11:Library"] = Library,
        ["Pforte:Keys:Pkcs11:TokenLabel"] = TokenLabel,
        ["Pforte:Keys:Pkcs11:PinFile"] = PinFile,
        ["Pforte:Keys:Pkcs11:KeyLabelPrefix"] = prefix,
        ["Pforte:Keys:Pkcs11:RefreshSeconds"] = "1",
    };

    public static string ConfigFile => Path.Combine(Directory, "softhsm2.conf");

    /// <summary>A store of its own (its own session pool), as another process on the same token would have.</summary>
    public static Pkcs11KeyStore Open(string prefix) => Pkcs11KeyStore.Open(Options(prefix), PinFile, TimeProvider.System);

    private static string Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pforte-softhsm-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "tokens"));
        var conf = Path.Combine(dir, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {Path.Combine(dir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        // The module reads SOFTHSM2_CONF with getenv() when it is loaded: set it in the native environment too (the managed one
        // is a copy on Unix), and for child processes (the CLI started as a process).
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", conf);
        _ = SetEnv("SOFTHSM2_CONF", conf, 1);
        foreach (var label in new[] { TokenLabel, LockedTokenLabel, OutageTokenLabel })
        {
            Run("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", "1234-5678", "--so-pin", "8765-4321");
        }
        WriteOwnerOnly(Path.Combine(dir, "pin"), "1234-5678\n");
        WriteOwnerOnly(Path.Combine(dir, "wrong-pin"), "0000-0000\n");
        return dir;
    }

    /// <summary>The directory SoftHSM2 keeps a token in (its files name the label).</summary>
    public static string TokenDirectory(string label) =>
        System.IO.Directory.GetDirectories(Path.Combine(Directory, "tokens"))
            .Single(d => File.Exists(Path.Combine(d, "token.object"))
                && File.ReadAllBytes(Path.Combine(d, "token.object")).AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(label.PadRight(32))) >= 0);

    /// <summary>Takes the token away (as an HSM that went off the network) until the returned object is disposed.</summary>
    public static IDisposable TakeAway(string label)
    {
        var dir = TokenDirectory(label);
        System.IO.Directory.Move(dir, dir + ".away");
        return new Restore(() => System.IO.Directory.Move(dir + ".away", dir));
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start (is softhsm2 installed?).");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {output}");
        }
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
