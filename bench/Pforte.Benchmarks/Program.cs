using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Pforte.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Pforte.Benchmarks.IdentifierBenchmarks).Assembly).Run(args);
