using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Identity;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common.Keys;

namespace Pforte.Benchmarks;

/// <summary>
/// One code check (HMAC-SHA256 with a key outside the database, constant-time compare) against what a .NET team gets
/// by default: ASP.NET Core Identity's PasswordHasher (PBKDF2-HMAC-SHA512, 100,000 iterations). The slow hash costs
/// every login and still cannot protect 10,000 values; the key can.
/// </summary>
[MemoryDiagnoser]
public class CodeCheckBenchmarks
{
    private readonly Guid _person = Guid.CreateVersion7();
    private CodeHasher _hasher = null!;
    private CodeHash _stored;
    private readonly PasswordHasher<object> _identity = new();
    private string _identityHash = null!;
    private string _dir = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "pforte-bench-" + Guid.NewGuid().ToString("N"));
        _hasher = new CodeHasher(new FileKeyRing(Path.Combine(_dir, "keyring.json"), TimeProvider.System));
        _stored = _hasher.Hash(_person, "7405");
        _identityHash = _identity.HashPassword(new object(), "7405");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Description = "Pforte: HMAC-SHA256 code check")]
    public bool PforteCodeCheck() => _hasher.Matches(_person, "7405", _stored.Hash, _stored.KeyVersion);

    [Benchmark(Baseline = true, Description = "ASP.NET Core Identity PasswordHasher.VerifyHashedPassword")]
    public PasswordVerificationResult IdentityVerify() => _identity.VerifyHashedPassword(new object(), _identityHash, "7405");
}
