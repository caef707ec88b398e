using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Common.Keys;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.History;

/// <summary>The installation's figures behind the alert rules (ops/prometheus), read from the database.</summary>
public sealed class OperationsMonitorTests
{
    private static readonly AuditContext Operator = AuditContext.Cli("operations test");

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Letters_waiting_audit_verification_and_abandoned_jobs_are_read_from_the_database(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        Task<OperationsSnapshot> Refresh() => h.RunAsync(s => s.GetRequiredService<OperationsMonitor>().RefreshAsync(HistoryHarness.Ct));

        // Nothing yet: no letters, no verification ever (age counts from 1970), no jobs.
        var empty = await Refresh();
        Assert.Equal(0, empty.LettersWaiting);
        Assert.Equal(0, empty.OldestLetterWaitingSeconds);
        Assert.True(empty.AuditChainVerifiedAgeSeconds > 50 * 365 * 86400.0);
        Assert.Equal(0, empty.JobsUnfinished);

        // One letter handed over already; two waiting since four and two hours before the reading.
        var person = await h.PersonAsync();
        Task<OutboxLetter> Queue() => h.RunAsync(async s =>
        {
            var letter = await s.GetRequiredService<LetterOutbox>().QueueAsync(person, LetterKinds.AddressChanged, Operator, audited: false, cancellationToken: HistoryHarness.Ct);
            await s.GetRequiredService<PforteDbContext>().SaveChangesAsync(HistoryHarness.Ct);
            return letter;
        });
        var exported = await Queue();
        await using (var db = h.Db.NewContext())
        {
            await db.Letters.Where(l => l.Id == exported.Id).ExecuteUpdateAsync(u => u.SetProperty(l => l.ExportedAt, HistoryHarness.Now.AddMinutes(5)), HistoryHarness.Ct);
        }
        foreach (var hours in new[] { 1, 3 })
        {
            h.Clock.SetUtcNow(HistoryHarness.Now.AddHours(hours));
            await Queue();
        }
        await using (var db = h.Db.NewContext())
        {
            // A job that started two hours before the reading and never finished, and one that finished.
            db.JobRuns.Add(new JobRun { Job = "issue-due", Day = new DateOnly(2026, 12, 5), RunBy = "node-1:42", StartedAt = HistoryHarness.Now.AddHours(3) });
            db.JobRuns.Add(new JobRun { Job = "mailbox-purge", Day = new DateOnly(2026, 12, 5), RunBy = "node-2:7", StartedAt = HistoryHarness.Now.AddHours(3), FinishedAt = HistoryHarness.Now.AddHours(3).AddMinutes(1) });
            await db.SaveChangesAsync(HistoryHarness.Ct);
        }

        // The Kasse's chains verified half an hour before the reading: intact.
        h.Clock.SetUtcNow(HistoryHarness.Now.AddHours(4.5));
        Assert.True((await h.RunAsync(s => s.GetRequiredService<VerifyOwnAuditChain>().ExecuteAsync(h.KasseId, AuditContext.System("audit-verify"), HistoryHarness.Ct))).Value.IsIntact);
        h.Clock.SetUtcNow(HistoryHarness.Now.AddHours(5));

        var reading = await Refresh();
        Assert.Equal(2, reading.LettersWaiting);
        Assert.Equal(4 * 3600.0, reading.OldestLetterWaitingSeconds, 1.0);
        Assert.Equal(1, reading.AuditChainIntact);
        Assert.Equal(30 * 60.0, reading.AuditChainVerifiedAgeSeconds, 1.0);
        Assert.Equal(1, reading.JobsUnfinished);
        Assert.Equal(reading, await h.RunAsync(s => Task.FromResult(s.GetRequiredService<OperationsGauges>().Snapshot)));

        // A later verification that found a break: the gauge says so until a later one finds the chains intact.
        await h.RunAsync(async s =>
        {
            var db = s.GetRequiredService<PforteDbContext>();
            await using var transaction = await db.BeginWriteAsync(HistoryHarness.Ct);
            await s.GetRequiredService<AuditLog>().AppendAsync(h.KasseId, AuditContext.System("audit-verify"),
                new AuditEvent(AuditAction.AuditChainVerified, AuditOutcome.Failure, ReasonCode: "PF-AUD-001"), HistoryHarness.Ct);
            await db.SaveChangesAsync(HistoryHarness.Ct);
            await transaction.CommitAsync(HistoryHarness.Ct);
            return 0;
        });
        Assert.Equal(0, (await Refresh()).AuditChainIntact);
    }

    [Fact]
    public async Task A_key_ring_that_cannot_be_read_again_reports_zero()
    {
        await using var h = await HistoryHarness.CreateAsync("sqlite");
        var dir = Directory.CreateTempSubdirectory("pforte-ring-");
        try
        {
            var ring = new FileKeyRing(Path.Combine(dir.FullName, "keyring.json"), TimeProvider.System);
            Task<OperationsSnapshot> Refresh() => h.RunAsync(s => new OperationsMonitor(s.GetRequiredService<PforteDbContext>(), ring, s.GetRequiredService<OperationsGauges>(), h.Clock)
                .RefreshAsync(HistoryHarness.Ct));
            Assert.Equal(1, (await Refresh()).KeyRingReadable);

            await File.WriteAllTextAsync(ring.FilePath, "{ not json", HistoryHarness.Ct);
            Assert.Equal(0, (await Refresh()).KeyRingReadable);
            File.Delete(ring.FilePath);
            Assert.Equal(0, (await Refresh()).KeyRingReadable);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
