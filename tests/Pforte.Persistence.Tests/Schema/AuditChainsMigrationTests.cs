using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Pforte.Core.Audit;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Schema;

public sealed class AuditChainsMigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_kasse_from_before_the_chains_gets_all_heads_and_keeps_working(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider, migrate: false);
        var kasseId = Guid.CreateVersion7();
        await using (var db = testDb.NewContext())
        {
            var migrator = db.GetService<IMigrator>();
            var before = db.Database.GetMigrations().Single(m => m.EndsWith("_MachineProcedure", StringComparison.Ordinal));
            await migrator.MigrateAsync(before, Ct);
            var id = db.IsSqlite ? $"'{kasseId.ToString().ToUpperInvariant()}'" : $"'{kasseId}'::uuid";
            var zero = db.IsSqlite ? "zeroblob(32)" : "decode(repeat('00', 32), 'hex')";
            var (no, at) = db.IsSqlite ? ("0", "'2026-01-01 00:00:00'") : ("false", "'2026-01-01T00:00:00Z'::timestamptz");
#pragma warning disable EF1002, EF1003 // literals built from a Guid and constants above, no user input
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO kassen (id, ik, name, sender_street, sender_house_number, sender_postal_code, sender_city, is_demo, created_at) " +
                $"VALUES ({id}, '260326822', 'Alt-BKK', 'Weg', '1', '60311', 'Frankfurt', {no}, {at})", Ct);
            await db.Database.ExecuteSqlRawAsync(
                $"INSERT INTO audit_chain_heads (kasse_id, last_seq, last_hash, first_seq, anchor_hash) VALUES ({id}, 0, {zero}, 1, {zero})", Ct);
#pragma warning restore EF1002, EF1003
            await migrator.MigrateAsync(cancellationToken: Ct);
        }

        await using (var db = testDb.NewContext())
        {
            var chains = await db.AuditChainHeads.Where(h => h.KasseId == kasseId).Select(h => h.Chain).OrderBy(c => c).ToListAsync(Ct);
            Assert.Equal(Enumerable.Range(0, AuditLog.Chains), chains);
            var audit = new AuditLog(db, TimeProvider.System);
            await using var tx = await db.BeginWriteAsync(Ct);
            await audit.AppendAsync(kasseId, AuditContext.System("test"), new AuditEvent(AuditAction.CodeVerified, AuditOutcome.Success, Guid.CreateVersion7()), Ct);
            await audit.AppendAsync(kasseId, AuditContext.System("test"), new AuditEvent(AuditAction.KasseCreated, AuditOutcome.Info), Ct);
            await db.SaveChangesAsync(Ct);
            await tx.CommitAsync(Ct);
            var report = Assert.Single((await new VerifyAuditChain(db).ExecuteAsync(cancellationToken: Ct)).Value);
            Assert.Null(report.FirstBreak);
            Assert.Equal(2, report.EntriesChecked);
        }
    }
}
