using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.History;

public sealed class AlternativeAuthenticationTests
{
    private static readonly AuditContext Agent = new(ActorKind.Staff, "staff:agent-7", Channel: "phone");

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Staff_set_and_clear_the_flag_and_each_change_is_audited_once(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        Task<Result<bool>> Set(bool needed) => h.RunAsync(s => s.GetRequiredService<AlternativeAuthentication>().SetAsync(h.KasseId, person.Kvnr, needed, Agent, HistoryHarness.Ct));
        Task<bool> Needed() => h.RunAsync(s => s.GetRequiredService<AlternativeAuthentication>().IsNeededAsync(h.KasseId, person.Id, HistoryHarness.Ct));

        Assert.False(await Needed());
        Assert.True((await Set(true)).Value);
        Assert.True((await Set(true)).Value); // unchanged: no second entry
        Assert.True(await Needed());
        Assert.False(await h.RunAsync(s => s.GetRequiredService<AlternativeAuthentication>().IsNeededAsync(Guid.NewGuid(), person.Id, HistoryHarness.Ct)));
        await using (var db = h.Db.NewContext())
        {
            var stored = await db.AlternativeAuthenticationNeeds.SingleAsync(HistoryHarness.Ct);
            Assert.Equal("staff:agent-7", stored.SetBy);
        }
        Assert.False((await Set(false)).Value);
        Assert.False(await Needed());

        await using var check = h.Db.NewContext();
        var entries = await check.AuditEntries.Where(e => e.Action == AuditAction.AlternativeAuthenticationFlagSet || e.Action == AuditAction.AlternativeAuthenticationFlagCleared)
            .OrderBy(e => e.Id).ToListAsync(HistoryHarness.Ct);
        Assert.Equal([AuditAction.AlternativeAuthenticationFlagSet, AuditAction.AlternativeAuthenticationFlagCleared], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(person.Id, e.SubjectPersonId));
        Assert.All(entries, e => Assert.Equal("staff:agent-7", e.ActorId));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_bad_or_unknown_insurance_number_is_refused_and_changes_nothing(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        await h.PersonAsync();
        Task<Result<bool>> Set(string? kvnr) => h.RunAsync(s => s.GetRequiredService<AlternativeAuthentication>().SetAsync(h.KasseId, kvnr, true, Agent, HistoryHarness.Ct));

        Assert.Equal(ErrorCodes.ApiPersonNotFound, (await Set(TestData.Kvnr(9_999))).Error?.Code);
        Assert.StartsWith("PF-KVNR-", (await Set("A12345678")).Error?.Code, StringComparison.Ordinal);
        Assert.StartsWith("PF-KVNR-", (await Set(null)).Error?.Code, StringComparison.Ordinal);

        await using var db = h.Db.NewContext();
        Assert.Empty(await db.AlternativeAuthenticationNeeds.ToListAsync(HistoryHarness.Ct));
    }
}
