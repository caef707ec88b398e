using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Pforte.Benchmarks -- --filter '*'
// dotnet run -c Release --project bench/Pforte.Benchmarks -- generate-import 1000000 /tmp/insured.csv [CHANGE_EVERY] [random|sequential]
//   random (default): random valid KVNRs and card serials as a core system's export; sequential: the old ascending keys
if (args.Length is 3 or 4 or 5 && args[0] == "generate-import")
{
    var ci = System.Globalization.CultureInfo.InvariantCulture;
    var keys = args.Length == 5 ? Enum.Parse<Pforte.Benchmarks.ImportKeyOrder>(args[4], ignoreCase: true) : Pforte.Benchmarks.ImportKeyOrder.Random;
    Pforte.Benchmarks.ImportFileGenerator.Write(args[2], int.Parse(args[1], ci), args.Length >= 4 ? int.Parse(args[3], ci) : 0, keys);
    return 0;
}
// dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll handover-codes /tmp/codes.csv
//   (database and key ring from Pforte__… environment variables, like the CLI)
if (args.Length == 2 && args[0] == "handover-codes")
{
    await Pforte.Benchmarks.HandOverCodes.RunAsync(args[1]);
    return 0;
}
if (args.Length is 2 or 3 && args[0] == "verify-probe")
{
    await Pforte.Benchmarks.VerifyProbe.RunAsync(args[1], args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 500);
    return 0;
}
// dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll ivr [N] [CONCURRENT]   (bench/ivr/run.sh)
if (args.Length is >= 1 and <= 3 && args[0] == "ivr")
{
    var ci = System.Globalization.CultureInfo.InvariantCulture;
    await Pforte.Benchmarks.IvrProbe.RunAsync(args.Length >= 2 ? int.Parse(args[1], ci) : 500, args.Length == 3 ? int.Parse(args[2], ci) : 1000);
    return 0;
}
// dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll render-probe [N] [SAMPLE.pdf]
if (args.Length is >= 1 and <= 3 && args[0] == "render-probe")
{
    Pforte.Benchmarks.RenderProbe.Run(args.Length >= 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000, args.Length == 3 ? args[2] : null);
    return 0;
}
// dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll mailbox MESSAGES [RUNS]   (bench/mailbox/run.sh)
if (args.Length is 2 or 3 && args[0] == "mailbox")
{
    var ci = System.Globalization.CultureInfo.InvariantCulture;
    await Pforte.Benchmarks.MailboxBench.RunAsync(int.Parse(args[1], ci), args.Length == 3 ? int.Parse(args[2], ci) : 200);
    return 0;
}
// dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll audit-search   (bench/audit/run.sh)
if (args.Length == 1 && args[0] == "audit-search")
{
    return await Pforte.Benchmarks.AuditSearchProbe.RunAsync();
}
if (Pforte.Benchmarks.PortalSeedCommand.TryRun(args, out var portalSeed))
{
    await portalSeed;
    return 0;
}
if (Pforte.Benchmarks.MailboxPagesCommand.TryRun(args, out var mailboxPages))
{
    await mailboxPages;
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Pforte.Benchmarks.IdentifierBenchmarks).Assembly).Run(args);
return 0;
