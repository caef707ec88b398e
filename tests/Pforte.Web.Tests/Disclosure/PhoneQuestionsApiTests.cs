using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.Disclosure;

public sealed class PhoneQuestionsApiTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Drawn_questions_reveal_nothing_right_answers_authenticate_and_the_decision_uses_the_level(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var main = await h.AddPersonAsync();
        var p = await h.AddPersonAsync(mainMember: main);
        var ct = TestContext.Current.CancellationToken;

        var (round, ids) = await h.DrawAsync(h.Ivr, p);
        Assert.Equal(3, ids.Length);
        Assert.Contains("card-last-digits", ids);
        var drawn = h.Responses[^1];
        foreach (var secret in new[] { p.Card[^5..], "1971", "09.04", "35037", "Große", "Grosse", "2004", "Weiß" })
        {
            Assert.DoesNotContain(secret, drawn, StringComparison.OrdinalIgnoreCase);
        }

        var (answered, auth) = await h.AnswerAsync(h.Ivr, round, ids.ToDictionary(q => q, q => DisclosureHarness.RightAnswer(q, p)));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("substantiell", auth.GetProperty("level").GetString());
        Assert.Equal("phone-questions", auth.GetProperty("method").GetString());
        var authId = auth.GetProperty("authenticationId").GetGuid();

        // A round is answered once.
        var (again, _) = await h.AnswerAsync(h.Ivr, round, ids.ToDictionary(q => q, q => DisclosureHarness.RightAnswer(q, p)));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        var (r1, status) = await h.DecideAsync(h.Ivr, authId, "phone", "insurance-status", "outbound", p.Kvnr);
        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.True(status.GetProperty("allowed").GetBoolean());
        var (_, benefits) = await h.DecideAsync(h.AgentA, authId, "phone", "benefits-health-data", "outbound", p.Kvnr);
        Assert.False(benefits.GetProperty("allowed").GetBoolean());
        Assert.Equal("PF-DIS-010", benefits.GetProperty("reasonCode").GetString());
        Assert.Equal("substantiell", benefits.GetProperty("achievedLevel").GetString());

        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var actions = await db.AuditEntries.Where(e => e.SubjectPersonId == p.Id).Select(e => e.Action).ToListAsync(ct);
        Assert.Contains(AuditAction.PhoneQuestionsDrawn, actions);
        Assert.Contains(AuditAction.PhoneQuestionsPassed, actions);
        Assert.Equal(2, actions.Count(a => a == AuditAction.DisclosureDecided));
        var stored = await db.Authentications.SingleAsync(a => a.Id == authId, ct);
        Assert.Equal("agent-1", stored.StaffId);
        // The record never holds an answer or a stored value.
        var details = string.Join("\n", await db.AuditEntries.Select(e => e.Details ?? "").ToListAsync(ct));
        Assert.DoesNotContain(p.Card[^5..], details, StringComparison.Ordinal);
        Assert.DoesNotContain("35037", details, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Three_failed_rounds_a_day_across_agents_and_the_ivr_then_nothing_more(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var p = await h.AddPersonAsync();
        var ct = TestContext.Current.CancellationToken;

        var clients = new[] { h.AgentA, h.AgentB, h.Ivr };
        for (var i = 0; i < 3; i++)
        {
            var (round, ids) = await h.DrawAsync(clients[i], p, $"agent-{i}");
            // All right except one answer: still a failure.
            var answers = ids.ToDictionary(q => q, q => DisclosureHarness.RightAnswer(q, p));
            answers[ids[0]] = "falsch";
            var (response, body) = await h.AnswerAsync(clients[i], round, answers, $"agent-{i}");
            // The third wrong round is a wrong round like the others (401, no tries left); only a further attempt is 429.
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(i < 2 ? "PF-AUTH-002" : "PF-AUTH-020", body.GetProperty("code").GetString());
            Assert.Equal(2 - i, body.GetProperty("triesLeftToday").GetInt32());
            // The caller is not told which answer was wrong.
            Assert.DoesNotContain(ids[0], h.Responses[^1], StringComparison.Ordinal);
        }

        var (blocked, blockedBody) = await h.PostAsync(h.AgentA, "/api/v1/authentications/phone-questions", new { kvnr = p.Kvnr, staffId = "agent-9" });
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal("PF-AUTH-001", blockedBody.GetProperty("code").GetString());

        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        Assert.Equal(3, await db.PhoneQuestionTries.Where(t => t.PersonId == p.Id).Select(t => t.Tries).SingleAsync(ct));
        Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.SubjectPersonId == p.Id && e.Action == AuditAction.PhoneQuestionsFailed, ct));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.SubjectPersonId == p.Id && e.Action == AuditAction.PhoneQuestionsTryLimitReached, ct));
        Assert.False(await db.Authentications.AnyAsync(a => a.PersonId == p.Id, ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Parallel_wrong_rounds_of_several_agents_never_pass_the_limit(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var p = await h.AddPersonAsync();
        var rounds = new List<(System.Text.Json.JsonElement Round, string[] Ids)>();
        for (var i = 0; i < 3; i++)
        {
            rounds.Add(await h.DrawAsync(i % 2 == 0 ? h.AgentA : h.AgentB, p));
        }
        // Two more rounds drawn while tries are still free; all five answered wrong at once.
        rounds.Add(await h.DrawAsync(h.AgentA, p));
        rounds.Add(await h.DrawAsync(h.AgentB, p));
        var results = await Task.WhenAll(rounds.Select((r, i) => h.AnswerAsync(i % 2 == 0 ? h.AgentA : h.AgentB, r.Round, r.Ids.ToDictionary(q => q, _ => "falsch"))));
        Assert.All(results, r => Assert.NotEqual(HttpStatusCode.OK, r.Response.StatusCode));
        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        Assert.Equal(3, await db.PhoneQuestionTries.Where(t => t.PersonId == p.Id).Select(t => t.Tries).SingleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.SubjectPersonId == p.Id && e.Action == AuditAction.PhoneQuestionsFailed, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Missing_answers_count_nothing_and_a_person_without_card_gets_no_questions()
    {
        await using var h = await DisclosureHarness.CreateAsync("sqlite");
        var p = await h.AddPersonAsync();
        var (round, ids) = await h.DrawAsync(h.AgentA, p);
        var (response, body) = await h.AnswerAsync(h.AgentA, round, new Dictionary<string, string> { [ids[0]] = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("PF-AUTH-005", body.GetProperty("code").GetString());

        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            Assert.False(await db.PhoneQuestionTries.AnyAsync(TestContext.Current.CancellationToken));
            await db.HealthCards.Where(c => c.PersonId == p.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.EndedAt, DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        }
        var (none, noneBody) = await h.PostAsync(h.AgentA, "/api/v1/authentications/phone-questions", new { kvnr = p.Kvnr });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, none.StatusCode);
        Assert.Equal("PF-AUTH-003", noneBody.GetProperty("code").GetString());
    }
}
