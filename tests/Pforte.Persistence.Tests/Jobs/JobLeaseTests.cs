using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Jobs;

public sealed class JobLeaseTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Of_many_processes_exactly_one_gets_the_daily_job(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var day = new DateOnly(2026, 11, 28);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var db = testDb.NewContext();
            return await new JobLease(db, TimeProvider.System).TryStartAsync("issue-due", day);
        }));
        Assert.Equal(1, results.Count(r => r));

        await using var again = testDb.NewContext();
        Assert.False(await new JobLease(again, TimeProvider.System).TryStartAsync("issue-due", day));
        Assert.True(await new JobLease(again, TimeProvider.System).TryStartAsync("issue-due", day.AddDays(1)));
    }
}
