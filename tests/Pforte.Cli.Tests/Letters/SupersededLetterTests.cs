using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Letters;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Letters;

/// <summary>
/// Issue 11, finding 10: a code letter whose code was replaced (staff re-issue) or deleted (eligibility ended) before
/// print stayed queued forever, and every export said "N Code-Briefe nicht gedruckt". It is cancelled when superseded:
/// gone from the outbox with its sealed code, audited (LetterCancelled), and the export no longer mentions it.
/// </summary>
public sealed class SupersededLetterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_code_letter_superseded_before_print_is_cancelled_audited_and_not_reported_by_the_export(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var reissued = await f.AddPersonAsync();
        var ended = await f.AddPersonAsync();
        await f.IssueDueAsync();
        var firstLetters = await f.WithDbAsync(db => db.Letters.Where(l => l.ExportedAt == null).ToDictionaryAsync(l => l.PersonId, l => l.Id, Ct));

        // Staff re-issue before the first letter was printed: its code no longer exists.
        await using (var scope = f.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<ReissueAuthCode>()
                .ExecuteAsync(f.Kasse.Id, reissued.Kvnr, "Karte verloren", AuditContext.System("test"), Ct);
            Assert.True(result.IsSuccess, result.Error?.ToString());
        }
        // The other person's insurance ends before print: the code is deleted.
        await f.WithDbAsync(async db =>
        {
            var person = await db.InsuredPersons.AsTracking().SingleAsync(p => p.Id == ended.Id, Ct);
            person.InsuranceEnd = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-2));
            await db.SaveChangesAsync(Ct);
            return 0;
        });
        await f.IssueDueAsync();

        await f.WithDbAsync(async db =>
        {
            // Both first letters are gone with their sealed codes; the re-issued code's letter waits for print.
            Assert.False(await db.Letters.AnyAsync(l => l.Id == firstLetters[reissued.Id] || l.Id == firstLetters[ended.Id], Ct));
            Assert.Equal(1, await db.Letters.CountAsync(l => l.ExportedAt == null, Ct));
            var cancelled = await db.AuditEntries.Where(e => e.Action == AuditAction.LetterCancelled).ToListAsync(Ct);
            Assert.Equal(2, cancelled.Count);
            Assert.Contains(cancelled, e => e.SubjectPersonId == reissued.Id && e.ReasonCode == "superseded" && e.Details!.Contains(firstLetters[reissued.Id].ToString(), StringComparison.Ordinal));
            Assert.Contains(cancelled, e => e.SubjectPersonId == ended.Id && e.ReasonCode == AuthCodeReasons.InsuranceEnded);
            Assert.Equal((int)AuditAction.LetterCancelled, 3005);
            return 0;
        });

        var run = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.DoesNotContain("nicht gedruckt", run.Out, StringComparison.Ordinal);
        Assert.Contains("Übergeben: 1 Brief in 1 Stapel", run.Out, StringComparison.Ordinal);
        var again = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.Equal("Keine fälligen Briefe.", again.Out.Trim());
        Assert.Equal(0, (await f.CliAsync("audit", "verify")).ExitCode);
    }
}
