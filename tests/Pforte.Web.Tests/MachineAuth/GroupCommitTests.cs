using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

/// <summary>
/// Parallel attempts share transactions (group commit, ADR 0007): every attempt must still get its own answer, its
/// own audit entry and — on success — its own stored authentication, and the audit chains must stay intact.
/// </summary>
public sealed class GroupCommitTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Parallel_attempts_each_get_their_answer_their_audit_entry_and_their_authentication(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Pforte:Throttling:MaxAccountsPerSource"] = "1000", ["Pforte:Throttling:MaxFailuresPerSource"] = "1000",
        });
        var persons = new List<MachineAuthHarness.Person>();
        for (var i = 0; i < 30; i++)
        {
            persons.Add(await h.AddPersonAsync());
        }
        await h.IssueDueAsync();
        var codes = await h.HandOverAsync();
        var auditBefore = await h.WithDbAsync(db => db.AuditEntries.CountAsync());

        // 240 attempts at once: each person eight times, every eighth attempt with a wrong code (at most two per person,
        // in whatever order they are processed: no account reaches the limit of three).
        var attempts = Enumerable.Range(0, 240).Select(i =>
        {
            var person = persons[i % persons.Count];
            var right = codes[person.Kvnr];
            return (Person: person, Right: i % 8 != 3, Code: i % 8 != 3 ? right : right == "7405" ? "8052" : "7405");
        }).ToList();
        var responses = await Task.WhenAll(attempts.Select(a => h.Ivr.PostAsJsonAsync("/api/v1/machine-auth/verify", MachineAuthHarness.Body(a.Person, a.Code))));

        var ids = new List<Guid>();
        for (var i = 0; i < attempts.Count; i++)
        {
            Assert.Equal(attempts[i].Right ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, responses[i].StatusCode);
            if (attempts[i].Right)
            {
                ids.Add((await responses[i].Content.ReadFromJsonAsync<JsonElement>()).GetProperty("authenticationId").GetGuid());
            }
        }
        Assert.Equal(210, ids.Distinct().Count());
        Assert.Equal(210, await h.WithDbAsync(db => db.Authentications.CountAsync(a => ids.Contains(a.Id))));
        var entries = await h.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.CodeVerified || e.Action == AuditAction.CodeVerificationFailed)
            .Select(e => new { e.Action, e.ReasonCode }).ToListAsync());
        Assert.Equal(210, entries.Count(e => e.Action == AuditAction.CodeVerified));
        Assert.Equal(30, entries.Count(e => e.Action == AuditAction.CodeVerificationFailed && e.ReasonCode == "wrong-code"));
        Assert.True(await h.WithDbAsync(db => db.AuditEntries.CountAsync()) >= auditBefore + 240);
        await AssertChainsIntactAsync(h);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Parallel_disclosure_decisions_are_each_audited_before_they_are_answered(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var persons = new List<MachineAuthHarness.Person>();
        for (var i = 0; i < 10; i++)
        {
            persons.Add(await h.AddPersonAsync());
        }
        var before = await h.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.DisclosureDecided));

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => h.Staff.PostAsJsonAsync("/api/v1/disclosure/decide", new
        {
            channel = i % 2 == 0 ? "phone" : "portal",
            requestKind = "insurance-status",
            direction = "outbound",
            subjectKvnr = persons[i % persons.Count].Kvnr,
        })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(before + 100, await h.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.DisclosureDecided)));
        await AssertChainsIntactAsync(h);
    }

    internal static async Task AssertChainsIntactAsync(MachineAuthHarness h)
    {
        await using var scope = h.Factory.Services.CreateAsyncScope();
        var reports = (await scope.ServiceProvider.GetRequiredService<VerifyAuditChain>().ExecuteAsync()).Value;
        Assert.All(reports, r => Assert.True(r.IsIntact, $"audit chain {r.FirstBreak?.Chain} broken at {r.FirstBreak?.Seq}: {r.FirstBreak?.Code}"));
    }
}
