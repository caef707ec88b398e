using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Ivr;
using Pforte.Core.Persistence;

namespace Pforte.Benchmarks;

/// <summary>
/// The phone dialogue in-process (no HTTP, bench/ivr/run.sh): the demo data (200 insured, API client ivr-demo), every
/// person given an active random code; then N full dialogues one after the other (start, KVNR, [read-back], card
/// digits, code → verified), server time per dialogue; then CONCURRENT calls started and held in progress at once,
/// then all finished. Database and key ring from Pforte__… variables.
/// Usage: Pforte.Benchmarks.dll ivr [N] [CONCURRENT]
/// </summary>
internal static class IvrProbe
{
    public static async Task RunAsync(int count, int concurrent)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPforteCore(configuration);
        await using var provider = services.BuildServiceProvider();
        Guid kasseId, clientId;
        List<(string Kvnr, string Card, string Code)> persons;
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            if (!await db.Kassen.AnyAsync())
            {
                await scope.ServiceProvider.GetRequiredService<Pforte.Core.Demo.SeedDemoData>().ExecuteAsync(200, AuditContext.System("ivr-bench"));
            }
            kasseId = await db.Kassen.Select(k => k.Id).FirstAsync();
            clientId = await db.ApiClients.Where(c => c.KasseId == kasseId && c.Name == "ivr-demo").Select(c => c.Id).FirstAsync();
            var hasher = scope.ServiceProvider.GetRequiredService<CodeHasher>();
            var rows = await db.InsuredPersons.Where(p => p.KasseId == kasseId)
                .Select(p => new { p.Id, p.Kvnr, Card = p.Cards.Where(c => c.EndedAt == null).Select(c => c.CardNumber).FirstOrDefault() })
                .Where(p => p.Card != null).ToListAsync();
            persons = [];
            foreach (var p in rows)
            {
                var code = Random.Shared.Next(1000, 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var hash = hasher.Hash(p.Id, code);
                var row = await db.AuthCodes.FindAsync(p.Id);
                if (row is null)
                {
                    row = new AuthCode { PersonId = p.Id, KasseId = kasseId };
                    db.AuthCodes.Add(row);
                }
                (row.State, row.CodeHash, row.KeyVersion, row.Failures, row.StateSince, row.Reason) =
                    (AuthCodeState.Active, hash.Hash, hash.KeyVersion, 0, DateTimeOffset.UtcNow, AuthCodeReasons.FirstIssue);
                persons.Add((p.Kvnr, p.Card!, code));
            }
            await db.SaveChangesAsync();
        }
        var readBack = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IvrOptions>>().Value.ReadBackKvnr;
        var context = new AuditContext(ActorKind.Client, $"client:{clientId}", Channel: "phone", SourceIp: "10.0.0.1");

        async Task<IvrTurn> Turn(Func<IvrDialogue, Task<Pforte.Core.Common.Result<IvrTurn>>> step)
        {
            await using var scope = provider.CreateAsyncScope();
            var result = await step(scope.ServiceProvider.GetRequiredService<IvrDialogue>());
            return result.IsSuccess ? result.Value : throw new InvalidOperationException(result.Error!.ToString());
        }
        static string Keyed(string kvnr) => ((kvnr[0] - 'A') + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture) + kvnr[1..];
        async Task<IvrTurn> Begin(string callId, (string Kvnr, string Card, string Code) p)
        {
            await Turn(d => d.StartAsync(kasseId, clientId, new IvrCallStart(callId, "+4930" + Random.Shared.Next(1_000_000, 9_999_999), "+498001234567"), context));
            var t = await Turn(d => d.InputAsync(kasseId, clientId, callId, new IvrInput("dtmf", Keyed(p.Kvnr)), context));
            if (readBack)
            {
                t = await Turn(d => d.InputAsync(kasseId, clientId, callId, new IvrInput("dtmf", "1"), context));
            }
            return await Turn(d => d.InputAsync(kasseId, clientId, callId, new IvrInput("dtmf", p.Card[^10..]), context));
        }
        Task<IvrTurn> Finish(string callId, (string Kvnr, string Card, string Code) p) =>
            Turn(d => d.InputAsync(kasseId, clientId, callId, new IvrInput("dtmf", p.Code), context));

        // IVR_STATEMENTS=1, PostgreSQL only: statements sent per turn and their time in Npgsql (ActivitySource "Npgsql"),
        // to see where a turn's time goes (the listener costs time itself: the budget's figures are taken without it).
        var dbCommands = new int[1];
        var dbTime = new double[1];
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                Interlocked.Increment(ref dbCommands[0]);
                lock (dbTime)
                {
                    dbTime[0] += activity.Duration.TotalMilliseconds;
                }
            },
        };
        if (Environment.GetEnvironmentVariable("IVR_STATEMENTS") == "1")
        {
            ActivitySource.AddActivityListener(listener);
        }
        var times = new List<double>();
        var turnNames = readBack ? new[] { "start", "kvnr", "read-back", "card", "code" } : ["start", "kvnr", "card", "code"];
        var turnTimes = turnNames.Select(_ => new List<double>()).ToArray();
        var turnCommands = new double[turnNames.Length];
        var turnDbTime = new double[turnNames.Length];
        var verified = 0;
        var run = Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < count; i++)
        {
            var p = persons[Random.Shared.Next(persons.Count)];
            var callId = $"seq-{run}-{i}";
            var inputs = new List<string> { Keyed(p.Kvnr) };
            if (readBack)
            {
                inputs.Add("1");
            }
            inputs.Add(p.Card[^10..]);
            inputs.Add(p.Code);
            var (commandsBefore, dbBefore) = (dbCommands[0], dbTime[0]);
            var commands = new List<(int Count, double Ms)>();
            void Mark()
            {
                commands.Add((dbCommands[0] - commandsBefore, dbTime[0] - dbBefore));
                (commandsBefore, dbBefore) = (dbCommands[0], dbTime[0]);
            }
            var sw = Stopwatch.StartNew();
            await Turn(d => d.StartAsync(kasseId, clientId, new IvrCallStart(callId, "+4930" + Random.Shared.Next(1_000_000, 9_999_999), "+498001234567"), context));
            Mark();
            var turnStart = sw.Elapsed.TotalMilliseconds;
            var turns = new List<double> { turnStart };
            IvrTurn end = null!;
            foreach (var input in inputs)
            {
                end = await Turn(d => d.InputAsync(kasseId, clientId, callId, new IvrInput("dtmf", input), context));
                Mark();
                turns.Add(sw.Elapsed.TotalMilliseconds - turnStart);
                turnStart = sw.Elapsed.TotalMilliseconds;
            }
            var ms = sw.Elapsed.TotalMilliseconds;
            verified += end.HandoverReason == IvrHandoverReasons.Verified ? 1 : 0;
            if (i >= count / 5)
            {
                times.Add(ms); // after warm-up
                for (var t = 0; t < turns.Count; t++)
                {
                    turnTimes[t].Add(turns[t]);
                    turnCommands[t] += commands[t].Count;
                    turnDbTime[t] += commands[t].Ms;
                }
            }
        }
        times.Sort();
        Console.WriteLine($"full dialogue ({(readBack ? "start + 4 inputs incl. read-back" : "start + 3 inputs")}), {times.Count} after {count / 5} warm-up, {verified}/{count} verified: " +
            $"p50 {times[times.Count / 2]:F2} ms, p90 {times[times.Count * 9 / 10]:F2} ms, mean {times.Average():F2} ms");
        Console.WriteLine("  per turn, p50: " + string.Join(", ", turnNames.Select((n, t) => $"{n} {Median(turnTimes[t]):F2} ms")));
        if (dbCommands[0] > 0)
        {
            Console.WriteLine("  per turn, PostgreSQL statements (round trips) and their mean time: " + string.Join(", ",
                turnNames.Select((n, t) => $"{n} {turnCommands[t] / times.Count:F1} in {turnDbTime[t] / times.Count:F2} ms")));
        }
        // The floor of the code turn: the machine procedure's check alone, as /machine-auth/verify runs it.
        var checks = new List<double>();
        var queue = provider.GetRequiredService<VerificationQueue>();
        for (var i = 0; i < 200; i++)
        {
            var p = persons[Random.Shared.Next(persons.Count)];
            var request = new VerifyRequest(Pforte.Core.Common.Kvnr.Parse(p.Kvnr).Value, p.Card[^10..], p.Code, MachineChannels.Phone, "+4930" + Random.Shared.Next(1_000_000, 9_999_999), null, null);
            var sw = Stopwatch.StartNew();
            await queue.SubmitAsync(new VerifyAttempt(kasseId, clientId, request, context));
            if (i >= 40)
            {
                checks.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        Console.WriteLine($"  the procedure's check alone (VerificationQueue), p50 {Median(checks):F2} ms");

        // Calls in progress at once: all started and waiting for their code, then all finished.
        var sw2 = Stopwatch.StartNew();
        var gate = new SemaphoreSlim(64);
        var picks = Enumerable.Range(0, concurrent).Select(_ => persons[Random.Shared.Next(persons.Count)]).ToArray();
        await Task.WhenAll(picks.Select(async (p, i) =>
        {
            await gate.WaitAsync();
            try { await Begin($"par-{run}-{i}", p); } finally { gate.Release(); }
        }));
        var started = sw2.Elapsed.TotalSeconds;
        await using (var scope = provider.CreateAsyncScope())
        {
            var inProgress = await scope.ServiceProvider.GetRequiredService<PforteDbContext>().IvrCalls.CountAsync(c => c.CallId.StartsWith("par-" + run) && c.State == IvrCallState.Active && c.Step == IvrStep.Code);
            Console.WriteLine($"{inProgress} calls in progress at once (waiting for their code), brought there in {started:F1} s");
        }
        var ends = await Task.WhenAll(picks.Select(async (p, i) =>
        {
            await gate.WaitAsync();
            try { return await Finish($"par-{run}-{i}", p); } finally { gate.Release(); }
        }));
        Console.WriteLine($"finished: {ends.Count(e => e.HandoverReason == IvrHandoverReasons.Verified)}/{concurrent} verified, {sw2.Elapsed.TotalSeconds:F1} s in all ({concurrent * (readBack ? 5 : 4) / sw2.Elapsed.TotalSeconds:F0} turns/s)");
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
