using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Pforte.Benchmarks -- --filter '*'
// dotnet run -c Release --project bench/Pforte.Benchmarks -- generate-import 1000000 /tmp/insured.csv
if (args.Length == 3 && args[0] == "generate-import")
{
    Pforte.Benchmarks.ImportFileGenerator.Write(args[2], int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Pforte.Benchmarks.IdentifierBenchmarks).Assembly).Run(args);
