using BenchmarkDotNet.Attributes;
using Pforte.Core.Common;

namespace Pforte.Benchmarks;

/// <summary>Identifier parsing runs for every imported row and every API call.</summary>
[MemoryDiagnoser]
public class IdentifierBenchmarks
{
    [Benchmark]
    public bool ParseKvnr() => Kvnr.Parse("X110411675").IsSuccess;

    [Benchmark]
    public bool ParseCardNumber() => CardNumber.Parse("80276883110000123456").IsSuccess;
}
