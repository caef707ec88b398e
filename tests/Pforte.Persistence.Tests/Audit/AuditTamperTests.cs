using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Audit;

/// <summary>
/// Issue 11, finding 9: any change to any column of a stored entry — also values the code cannot parse (an unknown
/// enum name, text where a number or key belongs, bad JSON, NULLs, timestamps in another form) — is reported as the
/// broken link with its PF-AUD code, never as an exception. Each column in turn, on SQLite and PostgreSQL.
/// The row id is not part of the record (it is the table's storage key, assigned by the database after the hash was
/// computed) and is therefore not covered.
/// </summary>
public sealed class AuditTamperTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>(case, SET clause on SQLite, SET clause on PostgreSQL or null where the type system refuses it, break exactly at entry 2).</summary>
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            foreach (var (name, sqlite, postgres) in Tampers)
            {
                if ((provider == "sqlite" ? sqlite : postgres) is { } set)
                {
                    data.Add(provider, name, set);
                }
            }
        }
        return data;
    }

    private static readonly (string Name, string? Sqlite, string? Postgres)[] Tampers =
    [
        ("outcome appended", "outcome = outcome || 'x'", "outcome = outcome || 'x'"),
        ("outcome other value", "outcome = 'Failure'", "outcome = 'Failure'"),
        ("outcome lower case", "outcome = lower(outcome)", "outcome = lower(outcome)"),
        ("outcome number", "outcome = 1", "outcome = '1'"),
        ("actor_kind unknown", "actor_kind = 'Robot'", "actor_kind = 'Robot'"),
        ("actor_kind other value", "actor_kind = 'Staff'", "actor_kind = 'Staff'"),
        ("actor_id", "actor_id = actor_id || 'x'", "actor_id = actor_id || 'x'"),
        ("occurred_at unparsable", "occurred_at = 'gestern'", null),
        ("occurred_at other form", "occurred_at = replace(occurred_at, ' ', 'T')", null),
        ("occurred_at number", "occurred_at = 12345", null),
        ("occurred_at moved", "occurred_at = '2020-01-01 00:00:00'", "occurred_at = occurred_at - interval '1 second'"),
        ("subject_person_id no guid", "subject_person_id = 'kein-guid'", null),
        ("subject_person_id lower case", "subject_person_id = lower(kasse_id)", null),
        ("subject_person_id set", "subject_person_id = kasse_id", "subject_person_id = kasse_id"),
        ("subject_kvnr null", "subject_kvnr = NULL", "subject_kvnr = NULL"),
        ("subject_kvnr blob", "subject_kvnr = X'41'", null),
        ("channel", "channel = 'fax'", "channel = 'fax'"),
        ("action number", "action = 9999", "action = 9999"),
        ("action text", "action = 'x'", null),
        ("action real", "action = 1.5", null),
        ("reason_code", "reason_code = 'x'", "reason_code = 'x'"),
        ("source_ip", "source_ip = '203.0.113.7'", "source_ip = '203.0.113.7'"),
        ("source_caller_id null", "source_caller_id = NULL", "source_caller_id = NULL"),
        ("source_call_id", "source_call_id = 'c'", "source_call_id = 'c'"),
        ("correlation_id", "correlation_id = 'c'", "correlation_id = 'c'"),
        ("details bad json", "details = '{kaputt'", "details = '{kaputt'"),
        ("details null", "details = NULL", "details = NULL"),
        ("prev_hash other", "prev_hash = hash", "prev_hash = hash"),
        ("prev_hash text", "prev_hash = 'abc'", null),
        ("prev_hash empty", "prev_hash = X''", "prev_hash = ''::bytea"),
        ("hash other", "hash = prev_hash", "hash = prev_hash"),
        ("hash text", "hash = 'abc'", null),
        ("seq moved", "seq = seq + 100", "seq = seq + 100"),
        ("seq text", "seq = 'zwei'", null),
        ("chain moved", "chain = chain + 1", "chain = chain + 1"),
        ("chain text", "chain = 'x'", null),
        ("kasse_id moved", "kasse_id = (SELECT id FROM kassen WHERE ik = '109500969')", "kasse_id = (SELECT id FROM kassen WHERE ik = '109500969')"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_change_to_any_column_is_the_broken_link_with_its_code(string provider, string tamper, string set)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var db = testDb.NewContext())
        {
            var kasse = await TestData.CreateKasseAsync(db);
            kasseId = kasse.Id;
            await TestData.CreateKasseAsync(db, TestData.OtherIk);
            var audit = new AuditLog(db, TimeProvider.System);
            for (var i = 0; i < 4; i++)
            {
                await using var tx = await db.Database.BeginTransactionAsync(Ct);
                await audit.AppendAsync(kasse.Id, new AuditContext(ActorKind.Client, "client:ivr", "phone", SourceIp: "192.0.2.1", SourceCallerId: "+4969123456", SourceCallId: "call-1", CorrelationId: "corr-1"),
                    new AuditEvent(AuditAction.InsuredUpdated, AuditOutcome.Success, SubjectKvnr: TestData.Kvnr(i), ReasonCode: "r", Details: $"{{\"n\":{i}}}"), Ct);
                await db.SaveChangesAsync(Ct);
                await tx.CommitAsync(Ct);
            }
        }
        await using (var db = testDb.NewContext())
        {
            var before = await new VerifyAuditChain(db).ExecuteAsync(TestData.Ik, Ct);
            Assert.True(Assert.Single(before.Value).IsIntact);
            // Entry 2 of the Kasse's chain, changed the way someone with database access would.
            var sql = "UPDATE audit_entries SET " + set + " WHERE kasse_id = (SELECT id FROM kassen WHERE ik = '" + TestData.Ik + "') AND seq = 2";
            var changed = await db.Database.ExecuteSqlRawAsync(sql.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), Ct);
            Assert.Equal(1, changed);
        }

        await using (var db = testDb.NewContext())
        {
            var reports = await new VerifyAuditChain(db).ExecuteAsync(TestData.Ik, Ct);
            var report = Assert.Single(reports.Value);
            Assert.Equal(kasseId, report.KasseId);
            var broken = Assert.IsType<AuditChainBreak>(report.FirstBreak, exactMatch: false);
            Assert.StartsWith("PF-AUD-", broken.Code, StringComparison.Ordinal);
            // Entry 2 itself, or — when it left its place (number, chain or Kasse changed) — the gap it left before entry 3.
            Assert.True(broken.Seq == 2 || (broken.Seq == 3 && broken.Code == "PF-AUD-002"), $"{tamper}: {broken}");
            Assert.False(string.IsNullOrWhiteSpace(broken.Error.Message));
        }
    }
}
