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
        foreach (var (l, i) in lines.Select((l, i) => (l, i)))
        {
            var sw = Stopwatch.StartNew();
            await using var scope = provider.CreateAsyncScope();
            var verify = scope.ServiceProvider.GetRequiredService<VerifyAuthCode>();
            var outcome = await verify.ExecuteAsync(kasseId, client, new VerifyRequest(Kvnr.Parse(l[0]).Value, l[1], l[2], "portal", "+49" + i, null, null), AuditContext.System("probe"));
            times.Add(sw.Elapsed.TotalMilliseconds);
            ok += outcome.Status == VerifyStatus.Verified ? 1 : 0;
        }
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
        Console.WriteLine($"{times.Count} attempts, {ok} verified; p50 {times[times.Count / 2]:F2} ms, p90 {times[times.Count * 9 / 10]:F2} ms, mean {times.Average():F2} ms");
    }
}
