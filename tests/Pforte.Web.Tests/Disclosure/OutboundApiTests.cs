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
        var (refused, body) = await h.PostAsync(h.Ivr, "/api/v1/outbound/release", new { channel = "email", contains_personal_data = true, subject_kvnr = p.Kvnr, purpose = "Leistungsbescheid" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("PF-DIS-007", body.GetProperty("code").GetString());
        Assert.Contains("Onlineportal", body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (released, _) = await h.PostAsync(h.Ivr, "/api/v1/outbound/release", new { channel = "email", contains_personal_data = false, subject_kvnr = p.Kvnr, purpose = "Neue Nachricht im Postfach" });
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);

        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var actions = await db.AuditEntries.Where(e => e.SubjectPersonId == p.Id).Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([AuditAction.OutboundRefused, AuditAction.OutboundReleased], actions);
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
