using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.Disclosure;

public sealed class DecideApiTests
{
    private static async Task<Guid> InPersonAsync(DisclosureHarness h, DisclosureHarness.Person p, Guid? representativeId = null)
    {
        var (response, body) = await h.PostAsync(h.AgentA, "/api/v1/authentications/in-person", new
        {
            kvnr = p.Kvnr, documentType = "personalausweis", documentNumberLast4 = "L01X", photoMatches = true, staffId = "bc-marburg-7",
            representativeId = representativeId,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hoch", body.GetProperty("level").GetString());
        return body.GetProperty("authenticationId").GetGuid();
    }

    /// <summary>Operators see at /metrics how the decisions' audit entries are written (ADR 0010).</summary>
    [Fact]
    public async Task On_postgres_the_audit_queue_reports_its_unlocked_appends_at_metrics()
    {
        await using var h = await DisclosureHarness.CreateAsync("postgres");
        var p = await h.AddPersonAsync();
        for (var i = 0; i < 3; i++)
        {
            var (response, _) = await h.DecideAsync(h.AgentA, null, "phone", "general-information", "inbound", p.Kvnr);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var metrics = await h.Factory.CreateClient().GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("pforte_audit_queue_batches_total{", metrics, StringComparison.Ordinal);
        Assert.Matches("pforte_audit_queue_batches_total\\{[^}]*path=\"unlocked\"[^}]*\\} [1-9]", metrics);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task In_person_hoch_allows_an_address_change_there_but_the_phone_never_and_every_decision_is_audited(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var p = await h.AddPersonAsync();
        var auth = await InPersonAsync(h, p);

        var (ok, allowed) = await h.DecideAsync(h.AgentA, auth, "in-person", "address-change", "inbound", p.Kvnr);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True(allowed.GetProperty("allowed").GetBoolean());
        Assert.Equal("PF-DIS-001", allowed.GetProperty("reasonCode").GetString());
        Assert.Equal("hoch", allowed.GetProperty("achievedLevel").GetString());

        var (_, phone) = await h.DecideAsync(h.AgentA, auth, "phone", "address-change", "inbound", p.Kvnr);
        Assert.False(phone.GetProperty("allowed").GetBoolean());
        Assert.Equal("PF-DIS-006", phone.GetProperty("reasonCode").GetString());
        Assert.Equal(["portal", "letter", "in-person"], phone.GetProperty("alternatives").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.StartsWith("„Adressänderung“ ist über Telefon", phone.GetProperty("explanation").GetString(), StringComparison.Ordinal);

        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var decisions = await db.AuditEntries.Where(e => e.Action == AuditAction.DisclosureDecided).OrderBy(e => e.Seq).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, decisions.Count);
        Assert.Equal((AuditOutcome.Success, "PF-DIS-001", "in-person"), (decisions[0].Outcome, decisions[0].ReasonCode, decisions[0].Channel));
        Assert.Equal((AuditOutcome.Refused, "PF-DIS-006", "phone"), (decisions[1].Outcome, decisions[1].ReasonCode, decisions[1].Channel));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditAction.InPersonAuthenticated && e.SubjectPersonId == p.Id, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Expired_and_foreign_authentications_never_count(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var p = await h.AddPersonAsync();
        var other = await h.AddPersonAsync();
        var auth = await InPersonAsync(h, p);

        var (_, foreign) = await h.DecideAsync(h.AgentA, auth, "in-person", "contributions", "outbound", other.Kvnr);
        Assert.Equal("PF-DIS-012", foreign.GetProperty("reasonCode").GetString());
        Assert.Equal("none", foreign.GetProperty("achievedLevel").GetString());

        // A client of another Kasse cannot use (or learn of) this authentication.
        var (otherKasse, otherKey) = await h.Factory.CreateClientAsync("other-desk", TestData.OtherIk, ApiScopes.Staff);
        var stranger = await h.AddPersonAsync(kasseId: otherKasse.Id);
        var (response, body) = await h.DecideAsync(h.Factory.ClientWithKey(otherKey), auth, "in-person", "contributions", "outbound", stranger.Kvnr);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("PF-DIS-013", body.GetProperty("code").GetString());

        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            await db.Authentications.Where(a => a.Id == auth).ExecuteUpdateAsync(s => s.SetProperty(a => a.ValidUntil, DateTimeOffset.UtcNow.AddSeconds(-1)), TestContext.Current.CancellationToken);
        }
        var (_, expired) = await h.DecideAsync(h.AgentA, auth, "in-person", "contributions", "outbound", p.Kvnr);
        Assert.Equal("PF-DIS-011", expired.GetProperty("reasonCode").GetString());
        Assert.False(expired.GetProperty("allowed").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Representatives_act_within_scope_and_parents_only_for_children_under_15(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var parent = await h.AddPersonAsync();
        var child14 = await h.AddPersonAsync(birth: today.AddYears(-15).AddDays(2), mainMember: parent);
        var child15 = await h.AddPersonAsync(birth: today.AddYears(-15).AddDays(-2), mainMember: parent);
        await h.AddRepresentationAsync(child14, parent, "gesetzlicher-vertreter", "*");
        await h.AddRepresentationAsync(child15, parent, "gesetzlicher-vertreter", "*");
        var cared = await h.AddPersonAsync();
        var external = await h.AddRepresentationAsync(cared, null, "bevollmaechtigter", "contributions");
        var parentAuth = await InPersonAsync(h, parent);

        var (_, for14) = await h.DecideAsync(h.AgentA, parentAuth, "in-person", "benefits-health-data", "outbound", child14.Kvnr);
        Assert.True(for14.GetProperty("allowed").GetBoolean());
        Assert.Equal("PF-DIS-004", for14.GetProperty("reasonCode").GetString());
        var (_, for15) = await h.DecideAsync(h.AgentA, parentAuth, "in-person", "benefits-health-data", "outbound", child15.Kvnr);
        Assert.Equal("PF-DIS-018", for15.GetProperty("reasonCode").GetString());

        // A representative without an insured record is identified in person for the represented person.
        var repAuth = await InPersonAsync(h, cared, external);
        var (_, inScope) = await h.DecideAsync(h.AgentA, repAuth, "in-person", "contributions", "outbound", cared.Kvnr);
        Assert.True(inScope.GetProperty("allowed").GetBoolean());
        var (_, outOfScope) = await h.DecideAsync(h.AgentA, repAuth, "in-person", "benefits-health-data", "outbound", cared.Kvnr);
        Assert.Equal("PF-DIS-015", outOfScope.GetProperty("reasonCode").GetString());
    }

    [Theory]
    [InlineData("telegram", "contributions", "inbound", "PF-DIS-021")]
    [InlineData("phone", "everything", "inbound", "PF-DIS-022")]
    [InlineData("phone", "contributions", "sideways", "PF-DIS-023")]
    public async Task Unknown_identifiers_are_refused(string channel, string kind, string direction, string code)
    {
        await using var h = await DisclosureHarness.CreateAsync("sqlite");
        var p = await h.AddPersonAsync();
        var (response, body) = await h.DecideAsync(h.AgentA, null, channel, kind, direction, p.Kvnr);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Machine_clients_decide_for_phone_and_portal_only_and_other_scopes_not_at_all()
    {
        await using var h = await DisclosureHarness.CreateAsync("sqlite");
        var p = await h.AddPersonAsync();
        Assert.Equal(HttpStatusCode.OK, (await h.DecideAsync(h.Ivr, null, "phone", "general-information", "outbound", p.Kvnr)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.DecideAsync(h.Ivr, null, "in-person", "general-information", "outbound", p.Kvnr)).Response.StatusCode);
        var (_, readerKey) = await h.Factory.CreateClientAsync("reader", TestData.Ik, ApiScopes.InsuredRead);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.DecideAsync(h.Factory.ClientWithKey(readerKey), null, "phone", "general-information", "outbound", p.Kvnr)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.DecideAsync(h.AgentA, null, "phone", "general-information", "outbound", TestData.Kvnr(9999))).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.PostAsync(h.Ivr, "/api/v1/authentications/in-person", new { kvnr = p.Kvnr })).Response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task In_person_and_written_refusals_are_audited_and_levels_follow_the_rules(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var p = await h.AddPersonAsync();
        var (unknownDoc, unknownBody) = await h.PostAsync(h.AgentA, "/api/v1/authentications/in-person", new { kvnr = p.Kvnr, documentType = "bibliotheksausweis", documentNumberLast4 = "1234", photoMatches = true, staffId = "s" });
        Assert.Equal(("PF-AUTH-006", HttpStatusCode.BadRequest), (unknownBody.GetProperty("code").GetString(), unknownDoc.StatusCode));
        var (mismatch, mismatchBody) = await h.PostAsync(h.AgentA, "/api/v1/authentications/in-person", new { kvnr = p.Kvnr, documentType = "reisepass", documentNumberLast4 = "C4F7", photoMatches = false, staffId = "s" });
        Assert.Equal(("PF-AUTH-008", HttpStatusCode.Unauthorized), (mismatchBody.GetProperty("code").GetString(), mismatch.StatusCode));
        var (noStaff, noStaffBody) = await h.PostAsync(h.AgentA, "/api/v1/authentications/in-person", new { kvnr = p.Kvnr, documentType = "reisepass", documentNumberLast4 = "C4F7", photoMatches = true });
        Assert.Equal(("PF-API-012", HttpStatusCode.BadRequest), (noStaffBody.GetProperty("code").GetString(), noStaff.StatusCode));
        Assert.Contains("staffId", noStaffBody.GetProperty("detail").GetString(), StringComparison.Ordinal);

        async Task<(HttpStatusCode, string?)> Written(string channel, bool signature, bool name, bool address, bool kvnr)
        {
            var (r, b) = await h.PostAsync(h.AgentB, "/api/v1/authentications/written", new
            {
                kvnr = p.Kvnr, channel, staffId = "backoffice-3", matched = new { signature, name, addressOrBirthDate = address, kvnr },
            });
            return (r.StatusCode, r.IsSuccessStatusCode ? b.GetProperty("level").GetString() : b.GetProperty("code").GetString());
        }
        Assert.Equal((HttpStatusCode.OK, "hoch"), await Written("letter", true, true, true, true));
        Assert.Equal((HttpStatusCode.OK, "substantiell"), await Written("contact-form", false, true, true, true));
        Assert.Equal((HttpStatusCode.OK, "normal"), await Written("letter", true, true, true, false));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "PF-AUTH-010"), await Written("letter", true, false, true, true));
        Assert.Equal((HttpStatusCode.BadRequest, "PF-AUTH-009"), await Written("email", true, true, true, true));

        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var actions = await db.AuditEntries.Where(e => e.SubjectPersonId == p.Id).Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, actions.Count(a => a == AuditAction.InPersonRefused));
        Assert.Equal(3, actions.Count(a => a == AuditAction.WrittenAuthenticated));
        Assert.Equal(1, actions.Count(a => a == AuditAction.WrittenRefused));
    }

    [Theory]
    [InlineData("Pforte:Channels:email:PersonalDataOutbound", "true", "nie personenbezogene Daten")]
    [InlineData("Pforte:Channels:letter:Methods:0", "phone-questions", "nicht durchführbar")]
    [InlineData("Pforte:RequestKinds:bank-details-change:Channels:0", "phone", "nie zulässig")]
    [InlineData("Pforte:PhoneQuestions:Level", "hoch", "nie „hoch“")]
    [InlineData("Pforte:PortalLogin:Levels:totp", "hoch", "„hoch“ erreichen nur eID und eGK mit PIN")]
    [InlineData("Pforte:PortalLogin:AuthenticationValidity", "1.00:00:00", "zwischen 1 Minute und 8 Stunden")]
    public async Task A_contradictory_setting_stops_the_start_with_a_german_message(string key, string value, string expected)
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite", new Dictionary<string, string?> { [key] = value });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => factory.CreateClientAsync("x", TestData.Ik, ApiScopes.Staff));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
