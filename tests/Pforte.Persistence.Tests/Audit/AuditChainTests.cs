using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Audit;

/// <summary>
/// The audit chain against tampering done the way an attacker with database access would: plain SQL on the table.
/// Every test runs on SQLite and PostgreSQL.
/// </summary>
public sealed class AuditChainTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A Kasse (entry 1: KasseCreated) plus <paramref name="more"/> entries, each in its own transaction.</summary>
    private static async Task<Kasse> KasseWithEntriesAsync(PforteDbContext db, int more, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        var kasse = await TestData.CreateKasseAsync(db, clock: clock);
        await AppendAsync(db, kasse.Id, more, clock);
        return kasse;
    }

    private static async Task AppendAsync(PforteDbContext db, Guid kasseId, int count, TimeProvider clock)
    {
        var audit = new AuditLog(db, clock);
        for (var i = 0; i < count; i++)
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await audit.AppendAsync(kasseId, new AuditContext(ActorKind.Client, "client:ivr", "ivr", SourceCallerId: "+4969123456"),
                new AuditEvent(AuditAction.InsuredUpdated, AuditOutcome.Success, SubjectKvnr: TestData.Kvnr(i), Details: $"{{\"n\":{i}}}"), Ct);
            await db.SaveChangesAsync(Ct);
            await tx.CommitAsync(Ct);
        }
    }

    private static async Task<AuditChainReport> VerifyAsync(TestDb testDb)
    {
        await using var db = testDb.NewContext();
        var reports = (await new VerifyAuditChain(db).ExecuteAsync(cancellationToken: Ct)).Value;
        return Assert.Single(reports);
    }

    private static async Task SqlAsync(TestDb testDb, FormattableString sql)
    {
        await using var db = testDb.NewContext();
        await db.Database.ExecuteSqlAsync(sql, Ct);
    }

    private static void AssertBreak(AuditChainReport report, long seq, string code)
    {
        Assert.NotNull(report.FirstBreak);
        Assert.Equal((seq, code), (report.FirstBreak.Seq, report.FirstBreak.Code));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_untouched_chain_verifies(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using (var db = testDb.NewContext())
        {
            await KasseWithEntriesAsync(db, 9);
        }
        var report = await VerifyAsync(testDb);
        Assert.True(report.IsIntact, report.FirstBreak?.ToString());
        Assert.Equal(10, report.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_chain_longer_than_one_page_verifies(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using (var db = testDb.NewContext())
        {
            var kasse = await TestData.CreateKasseAsync(db);
            var audit = new AuditLog(db, TimeProvider.System);
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            for (var i = 0; i < VerifyAuditChain.PageSize + 10; i++)
            {
                await audit.AppendAsync(kasse.Id, AuditContext.System("test"), new AuditEvent(AuditAction.InsuredImported, AuditOutcome.Success), Ct);
            }
            await db.SaveChangesAsync(Ct);
            await tx.CommitAsync(Ct);
        }
        var report = await VerifyAsync(testDb);
        Assert.True(report.IsIntact, report.FirstBreak?.ToString());
        Assert.Equal(VerifyAuditChain.PageSize + 11, report.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_edited_field_is_named_as_altered(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            kasseId = (await KasseWithEntriesAsync(db, 9)).Id;
        }
        await SqlAsync(testDb, $"UPDATE audit_entries SET source_caller_id = '+4930999999' WHERE kasse_id = {kasseId} AND seq = 5");
        var report = await VerifyAsync(testDb);
        AssertBreak(report, 5, ErrorCodes.AuditEntryAltered);
        Assert.Equal(4, report.EntriesChecked);
        Assert.Contains("Protokolleintrag 5 wurde verändert", report.FirstBreak!.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_deleted_middle_entry_is_named_as_a_gap(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            kasseId = (await KasseWithEntriesAsync(db, 9)).Id;
        }
        await SqlAsync(testDb, $"DELETE FROM audit_entries WHERE kasse_id = {kasseId} AND seq = 5");
        AssertBreak(await VerifyAsync(testDb), 6, ErrorCodes.AuditEntryMissing);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_deleted_last_entry_is_named_as_a_missing_tail(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            kasseId = (await KasseWithEntriesAsync(db, 9)).Id;
        }
        await SqlAsync(testDb, $"DELETE FROM audit_entries WHERE kasse_id = {kasseId} AND seq = 10");
        var report = await VerifyAsync(testDb);
        AssertBreak(report, 10, ErrorCodes.AuditTailMissing);
        Assert.Equal(9, report.EntriesChecked);
        Assert.Contains("erwartet bis Eintrag 10, vorhanden bis 9", report.FirstBreak!.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_replaced_last_entry_with_a_recomputed_hash_is_found_by_the_head(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            kasseId = (await KasseWithEntriesAsync(db, 9)).Id;
        }
        await using (var db = testDb.NewContext())
        {
            // A careful forger: edits the entry and recomputes its hash with the published algorithm.
            var last = await db.AuditEntries.AsTracking().SingleAsync(e => e.KasseId == kasseId && e.Seq == 10, Ct);
            last.SourceCallerId = "+4930999999";
            last.Hash = AuditHasher.Compute(last);
            await db.SaveChangesAsync(Ct);
        }
        AssertBreak(await VerifyAsync(testDb), 10, ErrorCodes.AuditTailMissing);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_forged_entry_appended_behind_the_heads_back_is_named(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            kasseId = (await KasseWithEntriesAsync(db, 9)).Id;
        }
        await using (var db = testDb.NewContext())
        {
            var last = await db.AuditEntries.SingleAsync(e => e.KasseId == kasseId && e.Seq == 10, Ct);
            db.AuditEntries.Add(Forged(kasseId, 11, last.Hash));
            await db.SaveChangesAsync(Ct);
        }
        AssertBreak(await VerifyAsync(testDb), 11, ErrorCodes.AuditEntryOutOfPlace);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_forged_entry_slipped_into_the_middle_is_named(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            kasseId = (await KasseWithEntriesAsync(db, 9)).Id;
        }
        // Make room after entry 5 (two steps, so the unique (kasse, seq) index never sees a duplicate) …
        await SqlAsync(testDb, $"UPDATE audit_entries SET seq = seq + 1000 WHERE kasse_id = {kasseId} AND seq > 5");
        await SqlAsync(testDb, $"UPDATE audit_entries SET seq = seq - 999 WHERE kasse_id = {kasseId} AND seq > 1000");
        // … and put a well-formed forgery there that points at entry 5.
        await using (var db = testDb.NewContext())
        {
            var fifth = await db.AuditEntries.SingleAsync(e => e.KasseId == kasseId && e.Seq == 5, Ct);
            db.AuditEntries.Add(Forged(kasseId, 6, fifth.Hash));
            await db.SaveChangesAsync(Ct);
        }
        AssertBreak(await VerifyAsync(testDb), 6, ErrorCodes.AuditEntryOutOfPlace);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Two_swapped_entries_are_named_as_out_of_place(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            kasseId = (await KasseWithEntriesAsync(db, 9)).Id;
        }
        await SqlAsync(testDb, $"UPDATE audit_entries SET seq = -3 WHERE kasse_id = {kasseId} AND seq = 3");
        await SqlAsync(testDb, $"UPDATE audit_entries SET seq = 3 WHERE kasse_id = {kasseId} AND seq = 4");
        await SqlAsync(testDb, $"UPDATE audit_entries SET seq = 4 WHERE kasse_id = {kasseId} AND seq = -3");
        var report = await VerifyAsync(testDb);
        AssertBreak(report, 3, ErrorCodes.AuditEntryOutOfPlace);
        Assert.Equal(2, report.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Each_kasse_has_its_own_chain_and_a_break_stays_in_its_kasse(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid brokenId;
        await using (var db = testDb.NewContext())
        {
            brokenId = (await KasseWithEntriesAsync(db, 3)).Id;
            var other = await TestData.CreateKasseAsync(db, TestData.OtherIk);
            await AppendAsync(db, other.Id, 4, TimeProvider.System);
        }
        await SqlAsync(testDb, $"UPDATE audit_entries SET details = NULL WHERE kasse_id = {brokenId} AND seq = 2");
        await using var verifyDb = testDb.NewContext();
        var reports = (await new VerifyAuditChain(verifyDb).ExecuteAsync(cancellationToken: Ct)).Value;
        var broken = Assert.Single(reports, r => r.KasseId == brokenId);
        AssertBreak(broken, 2, ErrorCodes.AuditEntryAltered);
        var intact = Assert.Single(reports, r => r.KasseId != brokenId);
        Assert.True(intact.IsIntact);
        Assert.Equal(5, intact.EntriesChecked);
        var onlyOther = (await new VerifyAuditChain(verifyDb).ExecuteAsync(TestData.OtherIk, Ct)).Value;
        Assert.True(Assert.Single(onlyOther).IsIntact);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Prune_deletes_the_old_prefix_and_the_rest_stays_verifiable(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero));
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            kasseId = (await KasseWithEntriesAsync(db, 4, clock)).Id; // seq 1–5 in January
            // 2026-02-01 00:30 in Berlin is 2026-01-31 23:30 UTC: already the kept day.
            clock.SetUtcNow(new DateTimeOffset(2026, 1, 31, 23, 30, 0, TimeSpan.Zero));
            await AppendAsync(db, kasseId, 5, clock); // seq 6–10
            clock.SetUtcNow(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        }

        await using (var db = testDb.NewContext())
        {
            var reports = (await new PruneAudit(db, new AuditLog(db, clock), clock)
                .ExecuteAsync(new DateOnly(2026, 2, 1), null, AuditContext.System("retention"), Ct)).Value;
            var pruned = Assert.Single(reports);
            Assert.Equal((5L, 1L, 5L), (pruned.Count, pruned.FromSeq, pruned.ToSeq));
        }

        await using (var db = testDb.NewContext())
        {
            var head = await db.AuditChainHeads.SingleAsync(h => h.KasseId == kasseId && h.Chain == 0, Ct);
            Assert.Equal((6L, 11L), (head.FirstSeq, head.LastSeq));
            var seqs = await db.AuditEntries.Where(e => e.KasseId == kasseId).OrderBy(e => e.Seq).Select(e => e.Seq).ToListAsync(Ct);
            Assert.Equal([6L, 7, 8, 9, 10, 11], seqs);
            var last = await db.AuditEntries.SingleAsync(e => e.KasseId == kasseId && e.Seq == 11, Ct);
            Assert.Equal(AuditAction.AuditPruned, last.Action);
            Assert.Contains("\"count\":5", last.Details, StringComparison.Ordinal);
        }
        var report = await VerifyAsync(testDb);
        Assert.True(report.IsIntact, report.FirstBreak?.ToString());
        Assert.Equal(6, report.EntriesChecked);

        // Pruning again on the same day finds nothing older and writes nothing.
        await using (var db = testDb.NewContext())
        {
            var again = (await new PruneAudit(db, new AuditLog(db, clock), clock)
                .ExecuteAsync(new DateOnly(2026, 2, 1), TestData.Ik, AuditContext.System("retention"), Ct)).Value;
            Assert.Equal(0, Assert.Single(again).Count);
            Assert.Equal(6, await db.AuditEntries.CountAsync(Ct));
        }

        // Tampering after a prune is still found: the first kept entry, and an edit further on.
        await SqlAsync(testDb, $"UPDATE audit_entries SET actor_id = 'x' WHERE kasse_id = {kasseId} AND seq = 8");
        AssertBreak(await VerifyAsync(testDb), 8, ErrorCodes.AuditEntryAltered);
        await SqlAsync(testDb, $"DELETE FROM audit_entries WHERE kasse_id = {kasseId} AND seq = 6");
        AssertBreak(await VerifyAsync(testDb), 7, ErrorCodes.AuditEntryMissing);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Prune_refuses_a_date_in_the_future(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        // 23:30 UTC on 31 March is already 1 April in Berlin: 1 April is today, 2 April the future.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 30, 10, 0, 0, TimeSpan.Zero));
        await using var db = testDb.NewContext();
        await KasseWithEntriesAsync(db, 2, clock);
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 31, 23, 30, 0, TimeSpan.Zero));
        var prune = new PruneAudit(db, new AuditLog(db, clock), clock);
        var refused = await prune.ExecuteAsync(new DateOnly(2026, 4, 2), null, AuditContext.System("retention"), Ct);
        Assert.Equal(ErrorCodes.AuditPruneInFuture, refused.Error?.Code);
        var today = await prune.ExecuteAsync(new DateOnly(2026, 4, 1), null, AuditContext.System("retention"), Ct);
        Assert.True(today.IsSuccess);
        Assert.Equal(3, Assert.Single(today.Value).Count);
    }

    [Fact]
    public async Task Concurrent_appenders_on_postgres_never_fork_the_chain() =>
        await ConcurrentAppendersAsync("postgres", writers: 8, entriesEach: 50);

    [Fact]
    public async Task Concurrent_appenders_on_sqlite_never_fork_the_chain() =>
        await ConcurrentAppendersAsync("sqlite", writers: 4, entriesEach: 25);

    private static async Task ConcurrentAppendersAsync(string provider, int writers, int entriesEach)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            kasseId = (await TestData.CreateKasseAsync(db)).Id;
        }
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            await using var db = testDb.NewContext();
            start.Wait(Ct);
            for (var i = 0; i < entriesEach; i++)
            {
                // Each entry in its own transaction and its own AuditLog, as separate requests would do.
                await using var tx = await db.Database.BeginTransactionAsync(Ct);
                await new AuditLog(db, TimeProvider.System).AppendAsync(kasseId, AuditContext.System($"writer-{w}"),
                    new AuditEvent(AuditAction.InsuredUpdated, AuditOutcome.Success, Details: $"{{\"i\":{i}}}"), Ct);
                await db.SaveChangesAsync(Ct);
                await tx.CommitAsync(Ct);
            }
        }, Ct)).ToList();
        start.Set();
        await Task.WhenAll(tasks);

        var total = writers * entriesEach + 1;
        await using (var db = testDb.NewContext())
        {
            var entries = await db.AuditEntries.Where(e => e.KasseId == kasseId).OrderBy(e => e.Seq).ToListAsync(Ct);
            Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), entries.Select(e => e.Seq));
            // No fork: no two entries point at the same predecessor.
            Assert.Equal(total, entries.Select(e => Convert.ToHexString(e.PrevHash)).Distinct().Count());
            Assert.Equal(writers, entries.Select(e => e.ActorId).Where(a => a.StartsWith("system:writer-", StringComparison.Ordinal)).Distinct().Count());
        }
        var report = await VerifyAsync(testDb);
        Assert.True(report.IsIntact, report.FirstBreak?.ToString());
        Assert.Equal(total, report.EntriesChecked);
    }

    private static AuditEntry Forged(Guid kasseId, long seq, byte[] prevHash)
    {
        var entry = new AuditEntry
        {
            KasseId = kasseId,
            Seq = seq,
            OccurredAt = AuditHasher.Truncate(DateTimeOffset.UtcNow),
            ActorKind = ActorKind.Staff,
            ActorId = "staff:mallory",
            Action = AuditAction.AddressChanged,
            Outcome = AuditOutcome.Success,
            PrevHash = prevHash,
            Hash = [],
        };
        entry.Hash = AuditHasher.Compute(entry);
        return entry;
    }
}
