using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common.Keys;
using Pforte.Keys.Pkcs11;

namespace Pforte.Benchmarks;

/// <summary>
/// The cost of the keys in an HSM (ADR 0029): one code check (HMAC-SHA256) and one letter seal + unseal (AES-256-GCM)
/// with the key-ring file against a SoftHSM2 token through PKCS#11. SoftHSM2 runs in-process: a network HSM adds its
/// round trip per operation. Needs softhsm2 (apt-get install -y softhsm2).
/// </summary>
[MemoryDiagnoser]
public class KeyStoreBenchmarks
{
    private readonly Guid _person = Guid.CreateVersion7();
    private readonly Guid _letter = Guid.CreateVersion7();
    private string _dir = null!;
    private CodeHasher _fileHasher = null!;
    private CodeHasher _hsmHasher = null!;
    private CodeSealer _fileSealer = null!;
    private CodeSealer _hsmSealer = null!;
    private CodeHash _fileStored;
    private CodeHash _hsmStored;
    private Pkcs11KeyStore _hsm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "pforte-bench-hsm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_dir, "tokens"));
        var conf = Path.Combine(_dir, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {Path.Combine(_dir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n");
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", conf);
        _ = SetEnv("SOFTHSM2_CONF", conf, 1);
        using (var init = Process.Start("softhsm2-util", ["--init-token", "--free", "--label", "bench", "--pin", "1234-5678", "--so-pin", "8765-4321"]))
        {
            init.WaitForExit();
        }
        var pin = Path.Combine(_dir, "pin");
        File.WriteAllText(pin, "1234-5678");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(pin, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        _hsm = Pkcs11KeyStore.Open(new Pkcs11KeyOptions { Library = "/usr/lib/softhsm/libsofthsm2.so", TokenLabel = "bench", KeyLabelPrefix = "bench." }, pin, TimeProvider.System);
        var ring = new FileKeyRing(Path.Combine(_dir, "keyring.json"), TimeProvider.System);
        (_fileHasher, _hsmHasher) = (new CodeHasher(ring), new CodeHasher(_hsm));
        (_fileSealer, _hsmSealer) = (new CodeSealer(ring), new CodeSealer(_hsm));
        _fileStored = _fileHasher.Hash(_person, "7405");
        _hsmStored = _hsmHasher.Hash(_person, "7405");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hsm.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "code check, key-ring file")]
    public bool FileCodeCheck() => _fileHasher.Matches(_person, "7405", _fileStored.Hash, _fileStored.KeyVersion);

    [Benchmark(Description = "code check, SoftHSM2 (PKCS#11)")]
    public bool HsmCodeCheck() => _hsmHasher.Matches(_person, "7405", _hsmStored.Hash, _hsmStored.KeyVersion);

    [Benchmark(Description = "seal + unseal a code, key-ring file")]
    public string FileSeal() => _fileSealer.Unseal(_letter, _fileSealer.Seal(_letter, "7405"));

    [Benchmark(Description = "seal + unseal a code, SoftHSM2 (PKCS#11)")]
    public string HsmSeal() => _hsmSealer.Unseal(_letter, _hsmSealer.Seal(_letter, "7405"));

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
