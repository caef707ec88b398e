using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Pforte.Core.Accounts;

namespace Pforte.Benchmarks;

/// <summary>
/// What one portal sign-in costs: the password check is Identity's PBKDF2-HMAC-SHA512 with the iterations the portal
/// uses (210,000, OWASP) — expensive by design, so that a stolen database cannot be brute-forced cheaply. The
/// framework's default (100,000) for comparison.
/// </summary>
[MemoryDiagnoser]
public class PasswordHashBenchmarks
{
    private const string Password = "Lindenblüte im Mai 1987";
    private PasswordHasher<PortalAccount> _portal = null!;
    private PasswordHasher<PortalAccount> _default = null!;
    private string _portalHash = "";
    private string _defaultHash = "";
    private readonly PortalAccount _account = new() { Id = Guid.CreateVersion7(), UserName = "bench" };

    [GlobalSetup]
    public void Setup()
    {
        _portal = new PasswordHasher<PortalAccount>(Options.Create(new PasswordHasherOptions { IterationCount = new PortalAccountOptions().PasswordIterations }));
        _default = new PasswordHasher<PortalAccount>();
        _portalHash = _portal.HashPassword(_account, Password);
        _defaultHash = _default.HashPassword(_account, Password);
    }

    [Benchmark(Description = "sign-in password check, 210,000 iterations (portal)")]
    public PasswordVerificationResult PortalVerify() => _portal.VerifyHashedPassword(_account, _portalHash, Password);

    [Benchmark(Baseline = true, Description = "the same with Identity's default 100,000")]
    public PasswordVerificationResult DefaultVerify() => _default.VerifyHashedPassword(_account, _defaultHash, Password);
}
