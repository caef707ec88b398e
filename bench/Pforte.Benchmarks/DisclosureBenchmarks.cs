using BenchmarkDotNet.Attributes;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;

namespace Pforte.Benchmarks;

/// <summary>
/// The disclosure decision runs on every screen an agent opens (budget: under 1 ms average). Measured: the pure
/// decision on typical inputs, with and without formatting the German explanation.
/// </summary>
[MemoryDiagnoser]
public class DisclosureBenchmarks
{
    private static readonly Guid Kasse = Guid.NewGuid();
    private static readonly Guid Person = Guid.NewGuid();
    private static readonly Guid Agent = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
    private readonly DisclosurePolicy _policy = new(new DisclosureOptions());
    private DecisionInput _allowed = null!;
    private DecisionInput _refusedChannel = null!;
    private DecisionInput _representative = null!;

    [GlobalSetup]
    public void Setup()
    {
        var subject = new SubjectFacts(Kasse, Person, new DateOnly(1960, 5, 1));
        var today = new DateOnly(2026, 11, 28);
        _allowed = new("phone", "benefits-health-data", Direction.Outbound, subject,
            new AuthenticationFacts(Guid.NewGuid(), Kasse, Person, "hoch", "phone", Now.AddMinutes(10), null), [], Now, today);
        _refusedChannel = new("phone", "address-change", Direction.Inbound, subject,
            new AuthenticationFacts(Guid.NewGuid(), Kasse, Person, "hoch", "phone", Now.AddMinutes(10), null), [], Now, today);
        _representative = new("portal", "contributions", Direction.Outbound, subject,
            new AuthenticationFacts(Guid.NewGuid(), Kasse, Agent, "hoch", "portal", Now.AddMinutes(10), null),
            [
                new RepresentationFacts(Guid.NewGuid(), RepresentativeKind.Betreuer, Guid.NewGuid(), "benefits-health-data", new DateOnly(2020, 1, 1), null, true),
                new RepresentationFacts(Guid.NewGuid(), RepresentativeKind.Bevollmaechtigter, Agent, "contributions,benefits-health-data", new DateOnly(2024, 1, 1), new DateOnly(2027, 12, 31), false),
            ], Now, today);
    }

    [Benchmark]
    public bool Allowed() => DisclosureDecision.Decide(_policy, _allowed).Allowed;

    [Benchmark]
    public bool RefusedWithAlternatives() => DisclosureDecision.Decide(_policy, _refusedChannel).Allowed;

    [Benchmark]
    public bool Representative() => DisclosureDecision.Decide(_policy, _representative).Allowed;

    [Benchmark]
    public string RefusedWithGermanExplanation() => DisclosureDecision.Decide(_policy, _refusedChannel).Explanation;
}
