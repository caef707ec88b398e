using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Letters;

/// <summary>The first roll-out (issue 4): codes for a whole Kasse in bulk, the export in chunks, both resumable.</summary>
public sealed class RolloutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IssueDueResult> IssueDueAsync(LetterExportFixture f, int pageSize, Action<IssueDueProgress>? onPage = null)
    {
        await using var scope = f.Services.CreateAsyncScope();
        var issue = scope.ServiceProvider.GetRequiredService<IssueDueCodes>();
        issue.PageSize = pageSize;
        return await issue.ExecuteAsync(BerlinCalendar.Today(TimeProvider.System), AuditContext.System("test"),
            onPage is null ? null : new Inline<IssueDueProgress>(onPage), cancellationToken: Ct);
    }

    private static async Task AssertAuditIntactAsync(LetterExportFixture f)
    {
        var report = await f.WithDbAsync(async db => Assert.Single((await new VerifyAuditChain(db).ExecuteAsync(cancellationToken: Ct)).Value));
        Assert.True(report.IsIntact, report.FirstBreak?.ToString());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Bulk_issue_writes_what_the_tracked_path_writes(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var fresh = new List<InsuredPerson>();
        for (var i = 0; i < 4; i++)
        {
            fresh.Add(await f.AddPersonAsync());
        }
        // Had a code once (deleted when the insurance ended, insured again now): its row is updated, not inserted.
        var returning = await f.AddPersonAsync();
        var returned = await f.AddPersonAsync(given: "Clara");
        await f.WithDbAsync(async db =>
        {
            db.AuthCodes.Add(new AuthCode { PersonId = returning.Id, KasseId = f.Kasse.Id, State = AuthCodeState.None, Reason = AuthCodeReasons.InsuranceEnded, StateSince = DateTimeOffset.UtcNow });
            db.AuthCodes.Add(new AuthCode { PersonId = returned.Id, KasseId = f.Kasse.Id, State = AuthCodeState.None, Reason = AuthCodeReasons.LetterReturned, StateSince = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync(Ct);
        });

        // Pages of two: bulk and tracked persons in the same transaction.
        var result = await IssueDueAsync(f, pageSize: 2);
        Assert.Equal((6L, 5L, 1L), (result.Checked, result.Issued, result.Skipped));

        var hasher = f.Services.GetRequiredService<CodeHasher>();
        var codes = await f.PendingCodesAsync();
        await f.WithDbAsync(async db =>
        {
            var issued = await db.AuditEntries.Where(e => e.Action == AuditAction.CodeIssued).ToListAsync(Ct);
            foreach (var person in fresh.Append(returning))
            {
                var row = await db.AuthCodes.SingleAsync(a => a.PersonId == person.Id, Ct);
                Assert.Equal((AuthCodeState.Pending, AuthCodeReasons.FirstIssue, 0), (row.State, row.Reason, row.Failures));
                var letter = await db.Letters.SingleAsync(l => l.PersonId == person.Id, Ct);
                Assert.Equal(row.PendingLetterId, letter.Id);
                Assert.Equal((LetterKinds.CodeFirst, person.Kvnr, person.GivenName, person.Street, (DateTimeOffset?)null), (letter.Kind, letter.Kvnr, letter.GivenName, letter.Street, letter.ExportedAt));
                // The sealed code in the letter is the code whose keyed hash is stored.
                Assert.True(hasher.Matches(person.Id, codes[letter.Id], row.CodeHash, row.KeyVersion));
                var entry = Assert.Single(issued, e => e.SubjectPersonId == person.Id);
                Assert.Equal((AuthCodeReasons.FirstIssue, person.Kvnr, AuditOutcome.Success, ActorKind.System), (entry.ReasonCode, entry.SubjectKvnr, entry.Outcome, entry.ActorKind));
                Assert.Equal($"{{\"letter\":\"{letter.Id}\",\"kind\":\"code-first\",\"key_version\":{row.KeyVersion}}}", entry.Details);
            }
            Assert.Equal(5, issued.Count);
            Assert.False(await db.Letters.AnyAsync(l => l.PersonId == returned.Id, Ct));
            return 0;
        });
        await AssertAuditIntactAsync(f);
        Assert.Equal(0, (await IssueDueAsync(f, pageSize: 2)).Issued);

        if (f.Db.SqliteFile is not null)
        {
            // Rows written by the bulk path look exactly like rows written through EF Core.
            async Task<string[]> Shapes(string sql) => await SqliteShapes.ReadAsync(f.Db.ConnectionString, sql, Ct);
            var bulk = SqliteGuidOf(fresh[0].Id);
            var tracked = SqliteGuidOf(returning.Id);
            foreach (var (sql, key) in new[]
                     {
                         ("SELECT *, typeof(code_hash), typeof(state_since) FROM auth_codes WHERE person_id = '{0}'", "person_id"),
                         ("SELECT id, kasse_id, person_id, kind, length(kvnr), family_name, given_name, street, house_number, postal_code, city, country, queued_at, typeof(sealed_code), length(sealed_code), exported_at, batch_id, returned_at, typeof(queued_at) FROM letters WHERE person_id = '{0}'", "person_id"),
                         ("SELECT kasse_id, typeof(chain), typeof(seq), occurred_at, actor_kind, actor_id, subject_person_id, length(subject_kvnr), channel, action, outcome, reason_code, source_ip, source_caller_id, source_call_id, correlation_id, length(details), typeof(prev_hash), typeof(hash), length(hash) FROM audit_entries WHERE subject_person_id = '{0}'", "subject_person_id"),
                     })
            {
                var fromBulk = await Shapes(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, bulk));
                var fromTracked = await Shapes(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, tracked));
                Assert.True(fromBulk.Length == 1 && fromTracked.Length == 1, key);
                Assert.Equal(fromTracked[0], fromBulk[0]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_interrupted_issue_run_resumes_without_a_second_code(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        for (var i = 0; i < 7; i++)
        {
            await f.AddPersonAsync();
        }
        // The process dies after the first page committed (an exception unwinds like a kill: the open page rolls back).
        await Assert.ThrowsAsync<IOException>(() => IssueDueAsync(f, pageSize: 3, onPage: _ => throw new IOException("killed")));
        Assert.Equal(3, await f.WithDbAsync(db => db.Letters.CountAsync(Ct)));

        var rerun = await IssueDueAsync(f, pageSize: 3);
        Assert.Equal(4, rerun.Issued);
        await f.WithDbAsync(async db =>
        {
            var perPerson = await db.Letters.GroupBy(l => l.PersonId).Select(g => g.Count()).ToListAsync(Ct);
            Assert.Equal(7, perPerson.Count);
            Assert.All(perPerson, n => Assert.Equal(1, n));
            Assert.Equal(7, await db.AuthCodes.CountAsync(a => a.State == AuthCodeState.Pending, Ct));
            Assert.Equal(7, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.CodeIssued, Ct));
            return 0;
        });
        await AssertAuditIntactAsync(f);
    }

    private static List<(Guid LetterId, Guid BatchId, string File)> Manifests(string root) =>
        Directory.GetDirectories(root, "batch-*").SelectMany(folder => File.ReadAllLines(Path.Combine(folder, ExportLetters.ManifestFile)).Skip(1)
            .Select(line => line.Split(';')).Select(f => (Guid.Parse(f[0]), Guid.Parse(f[1]), Path.Combine(folder, f[4])))).ToList();

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_large_export_is_handed_over_in_batches_each_committed_on_its_own(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        for (var i = 0; i < 7; i++)
        {
            await f.AddPersonAsync();
        }
        await IssueDueAsync(f, pageSize: 5000);
        var codes = await f.PendingCodesAsync();

        var run = await f.CliAsync("letters", "export", "--out", f.OutDir, "--batch-size", "3");
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("Übergeben: 7 Briefe in 3 Stapeln, 3 Dateien, 7 Seiten", run.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(f.OutDir, ".partial-*"));
        var rows = Manifests(f.OutDir);
        Assert.Equal(codes.Keys.Order(), rows.Select(r => r.LetterId).Order());
        Assert.Equal([1, 3, 3], rows.GroupBy(r => r.BatchId).Select(g => g.Count()).Order());
        await f.WithDbAsync(async db =>
        {
            foreach (var batch in rows.GroupBy(r => r.BatchId))
            {
                Assert.Equal(batch.Select(r => r.LetterId).Order(), (await db.Letters.Where(l => l.BatchId == batch.Key).Select(l => l.Id).ToListAsync(Ct)).Order());
            }
            Assert.Equal(7, await db.AuthCodes.CountAsync(a => a.State == AuthCodeState.Active, Ct));
            Assert.Equal(7, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.CodeActivated, Ct));
            Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.LetterHandedOver, Ct));
            Assert.False(await db.Letters.AnyAsync(l => l.SealedCode != null, Ct));
            return 0;
        });
        await AssertAuditIntactAsync(f);

        // --max caps the run, not the batch.
        await f.AddPersonAsync();
        await f.AddPersonAsync();
        await IssueDueAsync(f, pageSize: 5000);
        var capped = await f.CliAsync("letters", "export", "--out", f.OutDir, "--max", "1");
        Assert.Contains("Übergeben: 1 Brief in 1 Stapel, 1 Datei, ", capped.Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_crash_in_the_second_batch_keeps_the_first_and_the_rerun_prints_the_rest_once(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        for (var i = 0; i < 5; i++)
        {
            await f.AddPersonAsync();
        }
        await IssueDueAsync(f, pageSize: 5000);
        var codes = await f.PendingCodesAsync();
        await using (var scope = f.Services.CreateAsyncScope())
        {
            var export = scope.ServiceProvider.GetRequiredService<ExportLetters>();
            var batches = 0;
            export.AfterFilesWritten = _ => ++batches == 2 ? throw new IOException("killed") : Task.CompletedTask;
            await Assert.ThrowsAsync<IOException>(() => export.ExecuteAsync(new ExportLettersRequest(f.OutDir, BatchSize: 2), AuditContext.System("test"), cancellationToken: Ct));
        }
        Assert.Single(Directory.GetDirectories(f.OutDir, "batch-*"));
        Assert.Single(Directory.GetDirectories(f.OutDir, ".partial-*"));
        Assert.Equal(2, await f.WithDbAsync(db => db.Letters.CountAsync(l => l.ExportedAt != null, Ct)));

        var rerun = await f.CliAsync("letters", "export", "--out", f.OutDir, "--batch-size", "2");
        Assert.True(rerun.ExitCode == 0, rerun.Err);
        Assert.Contains("1 nicht übergebene Teilstapel verworfen", rerun.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(f.OutDir, ".partial-*"));
        var rows = Manifests(f.OutDir);
        Assert.Equal(codes.Keys.Order(), rows.Select(r => r.LetterId).Order());
        Assert.Equal(0, await f.WithDbAsync(db => db.Letters.CountAsync(l => l.ExportedAt == null, Ct)));
        await AssertAuditIntactAsync(f);
    }

    private static string SqliteGuidOf(Guid id) => id.ToString("D").ToUpperInvariant();

    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
