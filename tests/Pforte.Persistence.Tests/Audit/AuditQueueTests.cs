using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pforte.Core;
using Pforte.Core.Audit;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Audit;

/// <summary>
/// The audit queue (group commit for requests whose only write is their audit entry). On PostgreSQL it appends to a
/// chain whose tip it wrote last without locking the head first (ADR 0010); these tests make sure that path is taken,
/// that it gives way when another writer moved the chain on, and that the chain never forks — with several
/// "processes" (each its own service provider and queue) and plain transactional appenders writing to one chain.
/// </summary>
public sealed class AuditQueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What a host (web or CLI process) registers: its own singletons, hence its own queue.</summary>
    private static ServiceProvider Process(TestDb testDb)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(testDb.Configuration).Build();
        var services = new ServiceCollection().AddPforteCore(configuration);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return services.BuildServiceProvider();
    }

    private static AuditRecord Decision(Guid kasseId, string actor, int n, Guid? person = null) =>
        new(kasseId, AuditContext.System(actor), new AuditEvent(AuditAction.DisclosureDecided, AuditOutcome.Refused, SubjectPersonId: person,
            ReasonCode: "level-too-low", Details: $"{{\"n\":{n}}}"));

    private static async Task<Guid> KasseAsync(TestDb testDb)
    {
        await using var db = testDb.NewContext();
        return (await TestData.CreateKasseAsync(db)).Id;
    }

    private static async Task AppendLockedAsync(TestDb testDb, Guid kasseId, string actor, int n)
    {
        await using var db = testDb.NewContext();
        await using var tx = await db.Database.BeginTransactionAsync(Ct);
        await new AuditLog(db, TimeProvider.System).AppendAsync(kasseId, AuditContext.System(actor),
            new AuditEvent(AuditAction.InsuredUpdated, AuditOutcome.Success, Details: $"{{\"n\":{n}}}"), Ct);
        await db.SaveChangesAsync(Ct);
        await tx.CommitAsync(Ct);
    }

    private static async Task AssertChainIntactAsync(TestDb testDb, Guid kasseId, int expectedEntries)
    {
        await using var db = testDb.NewContext();
        var entries = await db.AuditEntries.Where(e => e.KasseId == kasseId && e.Chain == 0).OrderBy(e => e.Seq).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(1, expectedEntries).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal(expectedEntries, entries.Select(e => Convert.ToHexString(e.PrevHash)).Distinct().Count()); // no fork
        var head = await db.AuditChainHeads.SingleAsync(h => h.KasseId == kasseId && h.Chain == 0, Ct);
        Assert.Equal((entries[^1].Seq, Convert.ToHexString(entries[^1].Hash)), (head.LastSeq, Convert.ToHexString(head.LastHash)));
        var reports = (await new VerifyAuditChain(db).ExecuteAsync(cancellationToken: Ct)).Value;
        var report = Assert.Single(reports);
        Assert.True(report.IsIntact, report.FirstBreak?.ToString());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task On_postgres_a_lone_chain_is_appended_without_locking(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        await using var process = Process(testDb);
        var queue = process.GetRequiredService<AuditQueue>();
        for (var i = 0; i < 5; i++)
        {
            await queue.AppendAsync(Decision(kasseId, "desk", i), Ct);
        }
        // Entry 1 is KasseCreated; the queue's first batch reads the head (it knows no tip yet), none takes a lock on PostgreSQL.
        Assert.Equal(provider == "postgres" ? (5L, 0L, 0L) : (0L, 5L, 0L), (queue.UnlockedBatches, queue.LockedBatches, queue.UnlockedMisses));
        await AssertChainIntactAsync(testDb, kasseId, 6);
    }

    [Fact]
    public async Task An_unlocked_append_that_finds_the_chain_moved_on_retries_from_the_head_it_read_with_it()
    {
        await using var testDb = await TestDb.CreateAsync("postgres");
        var kasseId = await KasseAsync(testDb);
        await using var process = Process(testDb);
        var queue = process.GetRequiredService<AuditQueue>();
        await queue.AppendAsync(Decision(kasseId, "desk", 1), Ct);
        await queue.AppendAsync(Decision(kasseId, "desk", 2), Ct);
        await AppendLockedAsync(testDb, kasseId, "other-process", 3); // the tip the queue remembers is stale now
        await queue.AppendAsync(Decision(kasseId, "desk", 4), Ct); // misses, writes nothing, retries from the head it read
        await queue.AppendAsync(Decision(kasseId, "desk", 5), Ct);
        Assert.Equal((4L, 0L, 1L), (queue.UnlockedBatches, queue.LockedBatches, queue.UnlockedMisses));
        await AssertChainIntactAsync(testDb, kasseId, 6);
        await using var db = testDb.NewContext();
        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}"],
            await db.AuditEntries.Where(e => e.KasseId == kasseId && e.Seq > 1).OrderBy(e => e.Seq).Select(e => e.Details).ToListAsync(Ct));
    }

    [Fact]
    public async Task When_the_chain_moves_on_before_every_unlocked_attempt_the_locking_path_writes_the_batch()
    {
        await using var testDb = await TestDb.CreateAsync("postgres");
        var kasseId = await KasseAsync(testDb);
        await using var process = Process(testDb);
        var queue = process.GetRequiredService<AuditQueue>();
        var other = 0;
        queue.BeforeUnlockedAttemptForTests = () => AppendLockedAsync(testDb, kasseId, "other-process", ++other);
        await queue.AppendAsync(Decision(kasseId, "desk", 1), Ct);
        Assert.Equal((0L, 1L, 2L), (queue.UnlockedBatches, queue.LockedBatches, queue.UnlockedMisses));
        await AssertChainIntactAsync(testDb, kasseId, 4);
        await using var db = testDb.NewContext();
        Assert.Equal(["system:other-process", "system:other-process", "system:desk"],
            await db.AuditEntries.Where(e => e.KasseId == kasseId && e.Seq > 1).OrderBy(e => e.Seq).Select(e => e.ActorId).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_chain_that_another_transaction_of_the_same_process_moved_on_is_still_appended_without_locking()
    {
        // E.g. the IVR verifies a caller (its batch writes the person's chain), then the agent's screen asks for a decision.
        await using var testDb = await TestDb.CreateAsync("postgres");
        var kasseId = await KasseAsync(testDb);
        await using var process = Process(testDb);
        var queue = process.GetRequiredService<AuditQueue>();
        await queue.AppendAsync(Decision(kasseId, "desk", 1), Ct);
        await using (var scope = process.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Pforte.Core.Persistence.PforteDbContext>();
            await using var write = await db.BeginWriteAsync(Ct);
            await scope.ServiceProvider.GetRequiredService<AuditLog>().AppendAsync(kasseId, AuditContext.System("verification"),
                new AuditEvent(AuditAction.InsuredUpdated, AuditOutcome.Success, Details: "{\"n\":2}"), Ct);
            await db.SaveChangesAsync(Ct);
            await write.CommitAsync(Ct); // publishes the chain's new tip to the process
        }
        await queue.AppendAsync(Decision(kasseId, "desk", 3), Ct);
        Assert.Equal((2L, 0L, 0L), (queue.UnlockedBatches, queue.LockedBatches, queue.UnlockedMisses)); // no miss: it knew the new tip
        await AssertChainIntactAsync(testDb, kasseId, 4);
    }

    /// <summary>The connection broke after the commit was sent: the database has the entries, the queue got no answer.</summary>
    private sealed class LostAnswer() : System.Data.Common.DbException("simulated: the answer to the commit was lost");

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_batch_whose_commit_answer_was_lost_is_not_written_twice_when_it_is_run_again(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        await using var process = Process(testDb);
        var queue = process.GetRequiredService<AuditQueue>();
        var lost = 0;
        queue.AfterCommitForTests = () =>
        {
            lost++;
            throw new LostAnswer(); // every commit's answer is lost; the queue runs each batch again
        };
        for (var i = 1; i <= 3; i++)
        {
            await queue.AppendAsync(Decision(kasseId, "desk", i), Ct); // unlocked on PostgreSQL, locked on SQLite
        }
        Assert.Equal(3, lost);
        await AssertChainIntactAsync(testDb, kasseId, 4);
        await using var db = testDb.NewContext();
        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}"],
            await db.AuditEntries.Where(e => e.KasseId == kasseId && e.Seq > 1).OrderBy(e => e.Seq).Select(e => e.Details).ToListAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Three_processes_and_plain_appenders_on_one_chain_never_fork_it_and_lose_nothing(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        var processes = Enumerable.Range(0, 3).Select(_ => Process(testDb)).ToList();
        const int PerWriter = 40;
        try
        {
            using var start = new ManualResetEventSlim();
            // Per process four concurrent callers (their requests share batches) plus two plain locking appenders.
            var queued = processes.SelectMany((p, pi) => Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var queue = p.GetRequiredService<AuditQueue>();
                start.Wait(Ct);
                for (var i = 0; i < PerWriter; i++)
                {
                    await queue.AppendAsync(Decision(kasseId, $"p{pi}-w{w}", i), Ct);
                }
            }, Ct)));
            var plain = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
            {
                start.Wait(Ct);
                for (var i = 0; i < PerWriter; i++)
                {
                    await AppendLockedAsync(testDb, kasseId, $"plain-{w}", i);
                }
            }, Ct));
            var all = queued.Concat(plain).ToList();
            start.Set();
            await Task.WhenAll(all);

            var total = 1 + (3 * 4 * PerWriter) + (2 * PerWriter);
            await AssertChainIntactAsync(testDb, kasseId, total);
            await using var db = testDb.NewContext();
            var perActor = await db.AuditEntries.Where(e => e.KasseId == kasseId && e.Seq > 1).GroupBy(e => e.ActorId)
                .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(Ct);
            Assert.Equal(14, perActor.Count);
            Assert.All(perActor, a => Assert.Equal(PerWriter, a.Count));
            var queues = processes.Select(p => p.GetRequiredService<AuditQueue>()).ToList();
            if (provider == "postgres")
            {
                Assert.True(queues.Sum(q => q.UnlockedBatches) > 0, "the unlocked path was never taken");
            }
        }
        finally
        {
            foreach (var p in processes)
            {
                await p.DisposeAsync();
            }
        }
    }
}
