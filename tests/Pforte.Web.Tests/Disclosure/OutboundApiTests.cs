using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.Disclosure;

public sealed class OutboundApiTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Personal_content_by_email_is_stopped_a_notice_goes_and_both_are_recorded(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var p = await h.AddPersonAsync();
        var (refused, body) = await h.PostAsync(h.Ivr, "/api/v1/outbound/release", new { channel = "email", containsPersonalData = true, subjectKvnr = p.Kvnr, purpose = "Leistungsbescheid" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("PF-DIS-007", body.GetProperty("code").GetString());
        Assert.Contains("Onlineportal", body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (released, _) = await h.PostAsync(h.Ivr, "/api/v1/outbound/release", new { channel = "email", containsPersonalData = false, subjectKvnr = p.Kvnr, purpose = "Neue Nachricht im Postfach" });
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);

        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var actions = await db.AuditEntries.Where(e => e.SubjectPersonId == p.Id).Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([AuditAction.OutboundRefused, AuditAction.OutboundReleased], actions);
    }

    /// <summary>
    /// The guard fails closed: the camelCase field is the one that counts, a missing or null flag is refused (never
    /// read as "no personal data"), and the old snake_case name or any other unknown property is refused too.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_guard_fails_closed_on_a_missing_null_or_misspelt_personal_data_flag(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var p = await h.AddPersonAsync();
        var (refused, body) = await h.PostAsync(h.Ivr, "/api/v1/outbound/release", new { channel = "email", containsPersonalData = true, subjectKvnr = p.Kvnr, purpose = "Leistungsbescheid" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("PF-DIS-007", body.GetProperty("code").GetString());

        var (missing, missingBody) = await h.PostAsync(h.Ivr, "/api/v1/outbound/release", new { channel = "email", subjectKvnr = p.Kvnr, purpose = "Leistungsbescheid" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("PF-API-012", missingBody.GetProperty("code").GetString());
        Assert.Contains("containsPersonalData", missingBody.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (isNull, nullBody) = await h.PostAsync(h.Ivr, "/api/v1/outbound/release", new { channel = "email", containsPersonalData = (bool?)null, subjectKvnr = p.Kvnr, purpose = "Leistungsbescheid" });
        Assert.Equal(HttpStatusCode.BadRequest, isNull.StatusCode);
        Assert.Contains("containsPersonalData", nullBody.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (snake, snakeBody) = await h.PostAsync(h.Ivr, "/api/v1/outbound/release", new { channel = "email", containsPersonalData = false, contains_personal_data = true, subjectKvnr = p.Kvnr, purpose = "Leistungsbescheid" });
        Assert.Equal(HttpStatusCode.BadRequest, snake.StatusCode);
        Assert.Equal("PF-API-011", snakeBody.GetProperty("code").GetString());
        Assert.Contains("contains_personal_data", snakeBody.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var actions = await db.AuditEntries.Where(e => e.SubjectPersonId == p.Id).Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([AuditAction.OutboundRefused], actions);
    }

    [Fact]
    public async Task A_round_of_one_kasse_cannot_be_answered_by_another()
    {
        await using var h = await DisclosureHarness.CreateAsync("sqlite");
        var p = await h.AddPersonAsync();
        var (round, ids) = await h.DrawAsync(h.AgentA, p);
        var (_, otherKey) = await h.Factory.CreateClientAsync("other", TestData.OtherIk, ApiScopes.Staff);
        var (response, _) = await h.AnswerAsync(h.Factory.ClientWithKey(otherKey), round, ids.ToDictionary(q => q, q => DisclosureHarness.RightAnswer(q, p)));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
