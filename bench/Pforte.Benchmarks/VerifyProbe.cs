using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Benchmarks;

/// <summary>
/// Diagnostic: sequential verifications in-process (no HTTP), to see what one attempt costs without the network.
/// Usage: Pforte.Benchmarks.dll verify-probe CODES.csv [N] (database and key ring from Pforte__… variables).
/// </summary>
internal static class VerifyProbe
{
    public static async Task RunAsync(string codesFile, int count)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPforteCore(configuration);
        await using var provider = services.BuildServiceProvider();
        var lines = File.ReadLines(codesFile).Take(count).Select(l => l.Split(';')).ToList();
        Guid kasseId;
        await using (var scope = provider.CreateAsyncScope())
        {
            kasseId = await scope.ServiceProvider.GetRequiredService<PforteDbContext>().Kassen.Select(k => k.Id).FirstAsync();
        }
        var client = Guid.CreateVersion7();
        var times = new List<double>();
        var ok = 0;
        var batchSize = int.TryParse(Environment.GetEnvironmentVariable("PROBE_BATCH"), out var b) ? b : 1;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var warmUp = lines.Count / 3;
        var counted = 0;
        foreach (var chunk in lines.Select((l, i) => (l, i)).Chunk(batchSize))
        {
            if (chunk[0].i >= warmUp && counted == 0)
            {
                cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                times.Clear();
                counted = lines.Count - chunk[0].i;
            }
            var sw = Stopwatch.StartNew();
            await using var scope = provider.CreateAsyncScope();
            var verify = scope.ServiceProvider.GetRequiredService<VerifyAuthCode>();
            var outcomes = await verify.ExecuteAsync([.. chunk.Select(x => new VerifyAttempt(kasseId, client,
                new VerifyRequest(Kvnr.Parse(x.l[0]).Value, x.l[1], x.l[2], "portal", "+49" + x.i, null, null), AuditContext.System("probe")))]);
            times.Add(sw.Elapsed.TotalMilliseconds / chunk.Length);
            ok += outcomes.Count(o => o.Status == VerifyStatus.Verified);
        }
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / counted;
        times.Sort();
        var reads = new List<double>();
        foreach (var l in lines)
        {
            var sw = Stopwatch.StartNew();
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            _ = await db.InsuredPersons.AsNoTracking().Where(p => p.Kvnr == l[0]).Select(p => p.Id).FirstAsync();
            reads.Add(sw.Elapsed.TotalMilliseconds);
        }
        reads.Sort();
        Console.WriteLine($"one EF read per scope: p50 {reads[reads.Count / 2]:F3} ms");
        var writes = new List<double>();
        foreach (var l in lines.Take(300))
        {
            var sw = Stopwatch.StartNew();
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            await using var tx = await db.BeginWriteAsync();
            await db.JobRuns.Where(j => j.Job == "none").ExecuteUpdateAsync(u => u.SetProperty(j => j.RunBy, "x"));
            await tx.CommitAsync();
            writes.Add(sw.Elapsed.TotalMilliseconds);
        }
        writes.Sort();
        Console.WriteLine($"empty write transaction: p50 {writes[writes.Count / 2]:F3} ms");
        Console.WriteLine($"{counted} attempts (after {warmUp} warm-up) in batches of {batchSize}, {ok} verified; per attempt p50 {times[times.Count / 2]:F2} ms, p90 {times[times.Count * 9 / 10]:F2} ms, mean {times.Average():F2} ms; process CPU per attempt {cpu:F3} ms");
    }
}
