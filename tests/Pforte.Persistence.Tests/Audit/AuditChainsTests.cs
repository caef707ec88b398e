using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Audit;

/// <summary>A Kasse's record is spread over several chains by person; each chain is checked on its own.</summary>
public sealed class AuditChainsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Entries_about_one_person_share_a_chain_and_tampering_in_any_chain_is_found(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        var persons = Enumerable.Range(0, 40).Select(_ => Guid.CreateVersion7()).ToList();
        await using (var db = testDb.NewContext())
        {
            kasseId = (await TestData.CreateKasseAsync(db)).Id;
            var audit = new AuditLog(db, TimeProvider.System);
            foreach (var round in Enumerable.Range(0, 3))
            {
                await using var tx = await db.BeginWriteAsync(Ct);
                foreach (var person in persons)
                {
                    await audit.AppendAsync(kasseId, AuditContext.System("test"), new AuditEvent(AuditAction.CodeVerified, AuditOutcome.Success, person, Details: $"{{\"round\":{round}}}"), Ct);
                }
                await db.SaveChangesAsync(Ct);
                await tx.CommitAsync(Ct);
            }
        }

        await using (var db = testDb.NewContext())
        {
            var entries = await db.AuditEntries.Where(e => e.SubjectPersonId != null).ToListAsync(Ct);
            Assert.All(entries.GroupBy(e => e.SubjectPersonId), g => Assert.Single(g.Select(e => e.Chain).Distinct()));
            Assert.True(entries.Select(e => e.Chain).Distinct().Count() > 5, "persons should spread over the chains");
            Assert.All(entries, e => Assert.InRange(e.Chain, 1, AuditLog.Chains - 1));
            var report = Assert.Single((await new VerifyAuditChain(db).ExecuteAsync(cancellationToken: Ct)).Value);
            Assert.Null(report.FirstBreak);
            Assert.Equal(1 + 3 * persons.Count, report.EntriesChecked);

            var victim = entries.OrderBy(e => e.Id).Skip(50).First();
            await db.AuditEntries.Where(e => e.Id == victim.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ReasonCode, "edited"), Ct);
            var broken = Assert.Single((await new VerifyAuditChain(db).ExecuteAsync(cancellationToken: Ct)).Value).FirstBreak;
            Assert.NotNull(broken);
            Assert.Equal((victim.Chain, victim.Seq, ErrorCodes.AuditEntryAltered), (broken.Chain, broken.Seq, broken.Error.Code));
        }
    }
}
