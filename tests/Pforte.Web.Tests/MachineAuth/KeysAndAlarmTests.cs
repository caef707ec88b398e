using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common.Keys;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

public sealed class KeysAndAlarmTests
{
    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task After_a_rotation_an_old_hash_is_rekeyed_at_its_next_successful_check(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();
        Assert.Equal(1, await h.WithDbAsync(db => db.AuthCodes.Where(a => a.PersonId == person.Id).Select(a => a.KeyVersion).SingleAsync()));

        // Rotation by another process (the CLI) on the same key-ring file or HSM token.
        var cli = h.Factory.Database.OpenKeyStore();
        cli.Rotate(KeyPurpose.CodeHash);
        (cli as IDisposable)?.Dispose();
        await Task.Delay(1100); // the host looks at the ring's file time (the HSM's list, RefreshSeconds = 1 in tests) at most once a second

        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
        Assert.Equal(2, await h.WithDbAsync(db => db.AuthCodes.Where(a => a.PersonId == person.Id).Select(a => a.KeyVersion).SingleAsync()));
        Assert.True(await h.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.CodeRekeyed && e.SubjectPersonId == person.Id)));
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_failure_rate_above_the_band_writes_one_alarm_per_slot(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Throttling:AlarmFailuresPerMinute"] = "2" });
        var (person, code) = await h.PersonWithCodeAsync();
        var wrong = code == "7405" ? "8052" : "7405";
        for (var i = 0; i < 2; i++)
        {
            await h.VerifyAsync(MachineAuthHarness.Body(person, wrong, callerId: "+49" + i));
        }
        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<FailureRateMonitor>().CheckAsync());
        }
        Assert.False(await h.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.FailureRateAlarm)));

        await h.VerifyAsync(MachineAuthHarness.Body(person, wrong, callerId: "+4999"));
        for (var i = 0; i < 2; i++)
        {
            await using var scope = h.Factory.Services.CreateAsyncScope();
            Assert.Equal(3, await scope.ServiceProvider.GetRequiredService<FailureRateMonitor>().CheckAsync());
        }
        Assert.Equal(1, await h.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.FailureRateAlarm)));
    }
}
