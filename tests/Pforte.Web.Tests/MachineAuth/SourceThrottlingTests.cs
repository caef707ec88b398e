using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

/// <summary>
/// The throttling sources (issue 11, finding 5): one address or number is one source however it is spelt, what is
/// not an address or a number is refused, sources are per Kasse, and a client rotating its sources raises an alarm.
/// </summary>
public sealed class SourceThrottlingTests
{
    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Spellings_of_one_address_or_number_share_one_budget(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Throttling:MaxAccountsPerSource"] = "3" });
        var (persons, _) = await h.PersonsWithCodesAsync(8);

        // IPv4, the same as IPv4-mapped IPv6, in upper-case hex: three accounts from one address.
        foreach (var (p, ip) in persons.Take(3).Zip(new[] { "203.0.113.7", "::ffff:203.0.113.7", "::FFFF:CB00:7107" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(p, "7405", ip: ip))).StatusCode);
        }
        Assert.Equal((HttpStatusCode)429, (await h.VerifyAsync(MachineAuthHarness.Body(persons[3], "7405", ip: "203.0.113.7"))).StatusCode);

        // One calling number in three spellings.
        foreach (var (p, caller) in persons.Skip(4).Take(3).Zip(new[] { "+49 6421 1234", "0049-6421-1234", "06421 / 1234" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(p, "7405", "phone", callerId: caller))).StatusCode);
        }
        Assert.Equal((HttpStatusCode)429, (await h.VerifyAsync(MachineAuthHarness.Body(persons[7], "7405", "phone", callerId: "+4964211234"))).StatusCode);

        // The audit record shows the canonical form.
        var shown = await h.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.CodeVerificationFailed).Select(e => new { e.SourceIp, e.SourceCallerId }).ToListAsync());
        Assert.Equal(3, shown.Count(e => e.SourceIp == "203.0.113.7"));
        Assert.Equal(3, shown.Count(e => e.SourceCallerId == "+4964211234"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Addresses_of_one_IPv6_64_block_share_one_budget(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Throttling:MaxAccountsPerSource"] = "2" });
        var (persons, _) = await h.PersonsWithCodesAsync(3);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(persons[0], "7405", ip: "2001:db8:1:2::1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(persons[1], "7405", ip: "2001:0db8:0001:0002:ffff:0:0:9"))).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await h.VerifyAsync(MachineAuthHarness.Body(persons[2], "7405", ip: "2001:db8:1:2:abcd::77"))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_source_that_is_not_an_address_or_a_number_is_refused_naming_the_field_and_changes_nothing(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();
        var before = await h.WithDbAsync(db => db.AuditEntries.CountAsync());
        foreach (var ip in new[] { "' OR 1=1;--", "203.000.113.007", "1", "127.1", "0x7f.0.0.1", "203.0.113.7 ", "[::1]", "fe80::1%eth0", "203.0.113.7:443", "256.1.1.1" })
        {
            var response = await h.VerifyAsync(MachineAuthHarness.Body(person, code, ip: ip));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(ErrorCodes.InputIpAddress, await CodeOf(response));
            Assert.Contains("source.ip", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        foreach (var caller in new[] { "anonymous", "' OR 1=1;--", "+", "4930123456", "+49 30 12a", "+0049301234", "+1234567890123456" })
        {
            var response = await h.VerifyAsync(MachineAuthHarness.Body(person, code, "phone", callerId: caller));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(ErrorCodes.InputCallerId, await CodeOf(response));
        }
        Assert.Equal(before, await h.WithDbAsync(db => db.AuditEntries.CountAsync()));
        Assert.Equal(0, await h.WithDbAsync(db => db.SourceFailures.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_attacker_at_one_Kasse_does_not_block_a_correct_verification_at_another_from_the_same_address(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Throttling:MaxAccountsPerSource"] = "3" });
        var (kasseB, keyB) = await h.Factory.CreateClientAsync("ivr-b", TestData.OtherIk, ApiScopes.MachineAuth);
        var victims = new[] { await h.AddPersonAsync(), await h.AddPersonAsync(), await h.AddPersonAsync() };
        var personB = await h.AddPersonAsync(kasseId: kasseB.Id);
        await h.IssueDueAsync();
        var codes = await h.HandOverAsync();

        foreach (var v in victims)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(v, "7405", ip: "198.51.100.99"))).StatusCode);
        }
        Assert.Equal((HttpStatusCode)429, (await h.VerifyAsync(MachineAuthHarness.Body(victims[0], "7405", ip: "198.51.100.99"))).StatusCode);

        using var ivrB = h.Factory.ClientWithKey(keyB);
        var answer = await ivrB.PostAsJsonAsync("/api/v1/machine-auth/verify", MachineAuthHarness.Body(personB, codes[personB.Kvnr], ip: "198.51.100.99"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_client_rotating_its_caller_ids_raises_one_alarm_and_its_legitimate_callers_still_get_through(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Pforte:Throttling:MaxAccountsPerSource"] = "3",
            ["Pforte:Throttling:AlarmAccountsPerClient"] = "5",
        });
        var alarms = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "pforte.machine_auth.client_alarms")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref alarms, value));
        listener.Start();

        var (persons, codes) = await h.PersonsWithCodesAsync(9);
        var legit = persons[8];
        var code = codes[legit.Kvnr];
        persons.RemoveAt(8);

        // A fresh calling number for every guess: no source ever reaches its limit.
        for (var i = 0; i < persons.Count; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(persons[i], "7405", "phone", callerId: $"+49170555{i:D4}"))).StatusCode);
        }
        // The monitor of the background jobs raises it (on every tick, in every node) — once per client and window.
        Assert.False(await h.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.ClientSprayAlarm)));
        for (var tick = 0; tick < 2; tick++)
        {
            await using var scope = h.Factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FailureRateMonitor>().CheckAsync(TestContext.Current.CancellationToken);
        }
        Assert.Equal(1, await h.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.ClientSprayAlarm)));
        Assert.Equal(1, Interlocked.Read(ref alarms));
        Assert.False(await h.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.SourceThrottled)));

        // The client is not blocked: its next legitimate caller verifies.
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(legit, code, "phone", callerId: "+4964219999"))).StatusCode);
    }
}
