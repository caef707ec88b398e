using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Commands;

/// <summary>Issue 11, finding 9, as reported: a value the code cannot parse made <c>audit verify</c> crash with a stack trace.</summary>
public sealed class AuditVerifyTamperTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_outcome_the_code_cannot_parse_is_named_as_the_broken_link(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Assert.Equal(0, (await CliRunner.RunAsync(testDb.Configuration, "demo", "seed", "--count", "5")).ExitCode);
        await using (var db = testDb.NewContext())
        {
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET outcome = outcome || 'x' WHERE id = 2", TestContext.Current.CancellationToken));
        }
        var run = await CliRunner.RunAsync(testDb.Configuration, "audit", "verify");
        Assert.Equal(CliApp.ExitCodes.Refused, run.ExitCode);
        Assert.Contains("Kette 0 gebrochen bei Eintrag 2", run.Err, StringComparison.Ordinal);
        Assert.Contains($"{ErrorCodes.AuditEntryUnreadable}: Protokolleintrag 2 wurde verändert: die Spalte outcome enthält einen Wert, den Pforte nie schreibt.", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Err, StringComparison.Ordinal);
    }
}
