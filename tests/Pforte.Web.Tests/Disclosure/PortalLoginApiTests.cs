using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.Disclosure;

/// <summary>
/// <c>POST /api/v1/authentications/portal-login</c>: the portal back end reports a completed two-factor login; Pforte
/// checks the combination, stores the authentication (method portal-login, channel portal, the client as actor) and
/// audits it in the same transaction. Decisions on the portal channel can reference it.
/// </summary>
public sealed class PortalLoginApiTests
{
    private const string Path = "/api/v1/authentications/portal-login";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The disclosure harness plus the portal back end's client and one insured person.</summary>
    private sealed record Setup(DisclosureHarness H, HttpClient Portal, Guid PortalClientId, DisclosureHarness.Person Person) : IAsyncDisposable
    {
        public static async Task<Setup> StartAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null)
        {
            var h = await DisclosureHarness.CreateAsync(provider, settings);
            // The portal back end: records logins and asks decisions for its channel (portal), runs the machine procedure (machine-auth).
            var (_, key) = await h.Factory.CreateClientAsync("portal-backend", TestData.Ik, ApiScopes.Portal, ApiScopes.MachineAuth);
            await using var scope = h.Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            var clientId = await db.ApiClients.Where(c => c.Name == "portal-backend").Select(c => c.Id).SingleAsync(Ct);
            return new Setup(h, h.Factory.ClientWithKey(key), clientId, await h.AddPersonAsync());
        }

        public ValueTask DisposeAsync() => H.DisposeAsync();
    }

    private static object Body(string kvnr, string[]? factors, string? session = "portal-session-4711", Guid? representativeId = null) =>
        new { kvnr, factors, portalSessionId = session, representativeId };

    private static async Task<Guid> LoginAsync(DisclosureHarness h, HttpClient portal, DisclosureHarness.Person p, string[] factors, string expectedLevel, Guid? representativeId = null)
    {
        var (response, body) = await h.PostAsync(portal, Path, Body(p.Kvnr, factors, representativeId: representativeId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedLevel, body.GetProperty("level").GetString());
        return body.GetProperty("authenticationId").GetGuid();
    }

    private static async Task<(int Authentications, int Audit)> CountAsync(DisclosureHarness h)
    {
        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        return (await db.Authentications.CountAsync(Ct), await db.AuditEntries.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Every_factor_combination_gives_its_level_and_a_stored_audited_authentication_or_a_400_that_changes_nothing(string provider)
    {
        await using var setup = await Setup.StartAsync(provider);
        var (h, portal, clientId, p) = setup;
        var started = DateTimeOffset.UtcNow;

        foreach (var (factors, expected) in PortalLoginCombinations.All)
        {
            var before = await CountAsync(h);
            var (response, body) = await h.PostAsync(portal, Path, Body(p.Kvnr, factors));
            var after = await CountAsync(h);
            var label = string.Join(' ', factors);
            if (expected.StartsWith("PF-", StringComparison.Ordinal))
            {
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{label}: {(int)response.StatusCode}");
                Assert.Equal(expected, body.GetProperty("code").GetString());
                Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
                Assert.Equal(before, after);
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{label}: {(int)response.StatusCode}");
            Assert.Equal((expected, "portal-login", "portal", false),
                (body.GetProperty("level").GetString(), body.GetProperty("method").GetString(), body.GetProperty("channel").GetString(),
                 body.GetProperty("answerByPostToRegisteredAddress").GetBoolean()));
            Assert.Equal((before.Authentications + 1, before.Audit + 1), after);

            var id = body.GetProperty("authenticationId").GetGuid();
            await using var scope = h.Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            var stored = await db.Authentications.SingleAsync(a => a.Id == id, Ct);
            Assert.Equal((h.Kasse.Id, p.Id, "portal-login", expected, "portal", (Guid?)clientId, (string?)null, (Guid?)null),
                (stored.KasseId, stored.PersonId, stored.Method, stored.Level, stored.Channel, stored.ClientId, stored.StaffId, stored.RepresentativeId));
            Assert.Equal(TimeSpan.FromMinutes(30), stored.ValidUntil - stored.CreatedAt);
            Assert.InRange(stored.CreatedAt, started.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
            // PostgreSQL keeps microseconds; the answer carries the instant before it was stored.
            Assert.Equal(stored.ValidUntil, body.GetProperty("validUntil").GetDateTimeOffset(), TimeSpan.FromMicroseconds(1));
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_audit_entry_names_the_client_the_factors_the_level_and_the_portal_session(string provider)
    {
        await using var setup = await Setup.StartAsync(provider);
        var (h, portal, clientId, p) = setup;
        var (response, body) = await h.PostAsync(portal, Path, Body(p.Kvnr, ["password", "app"], "sess/\"quoted\" 42"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = body.GetProperty("authenticationId").GetGuid();

        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var entry = await db.AuditEntries.SingleAsync(e => e.SubjectPersonId == p.Id, Ct);
        Assert.Equal((AuditAction.PortalLoginRecorded, AuditOutcome.Success, ActorKind.Client, $"client:{clientId}", "portal", p.Kvnr, (string?)null),
            (entry.Action, entry.Outcome, entry.ActorKind, entry.ActorId, entry.Channel, entry.SubjectKvnr, entry.ReasonCode));
        using var details = JsonDocument.Parse(entry.Details!);
        Assert.Equal(id.ToString(), details.RootElement.GetProperty("authentication").GetString());
        Assert.Equal("substantiell", details.RootElement.GetProperty("level").GetString());
        Assert.Equal("password,app", details.RootElement.GetProperty("factors").GetString());
        Assert.Equal("sess/\"quoted\" 42", details.RootElement.GetProperty("portal_session").GetString());
        Assert.False(details.RootElement.TryGetProperty("representative", out _));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Malformed_reports_are_refused_with_their_code_and_change_nothing(string provider)
    {
        await using var setup = await Setup.StartAsync(provider);
        var (h, portal, _, p) = setup;
        var cases = new (object Body, HttpStatusCode Status, string Code)[]
        {
            (Body(p.Kvnr, ["password", "fingerprint"]), HttpStatusCode.BadRequest, "PF-AUTH-013"),
            (Body(p.Kvnr, ["password", "TOTP"]), HttpStatusCode.BadRequest, "PF-AUTH-013"),
            (Body(p.Kvnr, ["password", "totp", "totp"]), HttpStatusCode.BadRequest, "PF-AUTH-014"),
            (Body(p.Kvnr, ["password"]), HttpStatusCode.BadRequest, "PF-AUTH-015"),
            (Body(p.Kvnr, []), HttpStatusCode.BadRequest, "PF-AUTH-015"),
            (Body(p.Kvnr, null), HttpStatusCode.BadRequest, "PF-API-013"),
            (Body(p.Kvnr, ["totp", "sms-tan", "app"]), HttpStatusCode.BadRequest, "PF-AUTH-016"),
            (Body(p.Kvnr, ["password", "totp"], session: null), HttpStatusCode.BadRequest, "PF-API-013"),
            (Body(p.Kvnr, ["password", "totp"], session: ""), HttpStatusCode.BadRequest, "PF-AUTH-017"),
            (Body(p.Kvnr, ["password", "totp"], session: new string('s', 129)), HttpStatusCode.BadRequest, "PF-REC-011"),
            (Body(p.Kvnr, ["password", "totp"], session: "sitzung-ä"), HttpStatusCode.BadRequest, "PF-AUTH-017"),
            (Body(p.Kvnr, ["password", "totp"], session: "a\u0000b"), HttpStatusCode.BadRequest, "PF-AUTH-017"),
            (Body("X123456789", ["password", "totp"]), HttpStatusCode.BadRequest, "PF-KVNR-006"),
            (Body(TestData.Kvnr(9999), ["password", "totp"]), HttpStatusCode.NotFound, "PF-API-005"),
            (Body(p.Kvnr, ["password", "totp"], representativeId: Guid.CreateVersion7()), HttpStatusCode.NotFound, "PF-AUTH-012"),
        };
        var before = await CountAsync(h);
        foreach (var (body, status, code) in cases)
        {
            var (response, problem) = await h.PostAsync(portal, Path, body);
            Assert.Equal((status, code), (response.StatusCode, problem.GetProperty("code").GetString()));
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(before, await CountAsync(h));
    }

    [Fact]
    public async Task Only_clients_with_the_portal_scope_may_record_a_portal_login()
    {
        await using var setup = await Setup.StartAsync("sqlite");
        var (h, _, _, p) = setup;
        var (_, readerKey) = await h.Factory.CreateClientAsync("reader", TestData.Ik, ApiScopes.InsuredRead);
        foreach (var client in new[] { h.AgentA, h.Ivr, h.Factory.ClientWithKey(readerKey) })
        {
            var (response, body) = await h.PostAsync(client, Path, Body(p.Kvnr, ["password", "totp"]));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("PF-API-002", body.GetProperty("code").GetString());
            Assert.EndsWith("„portal“.", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.PostAsync(h.Factory.CreateClient(), Path, Body(p.Kvnr, ["password", "totp"]))).Response.StatusCode);
        Assert.Equal(0, (await CountAsync(h)).Authentications);

        // The portal scope records logins and asks decisions for the portal — nothing else.
        var (_, onlyPortal) = await h.Factory.CreateClientAsync("portal-only", TestData.Ik, ApiScopes.Portal);
        var portalOnly = h.Factory.ClientWithKey(onlyPortal);
        Assert.Equal(HttpStatusCode.OK, (await h.PostAsync(portalOnly, Path, Body(p.Kvnr, ["password", "totp"]))).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.PostAsync(portalOnly, "/api/v1/authentications/in-person", new { kvnr = p.Kvnr })).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.DecideAsync(portalOnly, null, "portal", "general-information", "outbound", p.Kvnr)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.DecideAsync(portalOnly, null, "phone", "general-information", "outbound", p.Kvnr)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.PostAsync(portalOnly, "/api/v1/machine-auth/verify", new { kvnr = p.Kvnr })).Response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Decisions_on_the_portal_use_the_level_the_factors_reached(string provider)
    {
        await using var setup = await Setup.StartAsync(provider);
        var (h, portal, _, p) = setup;
        var egk = await LoginAsync(h, portal, p, ["egk-pin"], "hoch");
        var totp = await LoginAsync(h, portal, p, ["password", "totp"], "substantiell");

        var (ok, allowed) = await h.DecideAsync(portal, egk, "portal", "address-change", "inbound", p.Kvnr);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal((true, "PF-DIS-001", "hoch", "hoch"),
            (allowed.GetProperty("allowed").GetBoolean(), allowed.GetProperty("reasonCode").GetString(),
             allowed.GetProperty("requiredLevel").GetString(), allowed.GetProperty("achievedLevel").GetString()));

        var (_, low) = await h.DecideAsync(portal, totp, "portal", "address-change", "inbound", p.Kvnr);
        Assert.Equal((false, "PF-DIS-010", "hoch", "substantiell"),
            (low.GetProperty("allowed").GetBoolean(), low.GetProperty("reasonCode").GetString(),
             low.GetProperty("requiredLevel").GetString(), low.GetProperty("achievedLevel").GetString()));
        Assert.Equal(["letter", "in-person"], low.GetProperty("alternatives").EnumerateArray().Select(e => e.GetString()!).ToArray());

        // substantiell is enough for the insurance status; neither login counts on the phone.
        var (_, status) = await h.DecideAsync(portal, totp, "portal", "insurance-status", "outbound", p.Kvnr);
        Assert.Equal((true, "PF-DIS-001"), (status.GetProperty("allowed").GetBoolean(), status.GetProperty("reasonCode").GetString()));
        var (_, phone) = await h.DecideAsync(h.AgentA, egk, "phone", "contributions", "outbound", p.Kvnr);
        Assert.Equal("PF-DIS-014", phone.GetProperty("reasonCode").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_portal_login_counts_until_its_validity_ends_and_not_a_moment_longer(string provider)
    {
        await using var setup = await Setup.StartAsync(provider, new Dictionary<string, string?> { ["Pforte:PortalLogin:AuthenticationValidity"] = "00:10:00" });
        var (h, _, _, p) = setup;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var timed = h.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var (_, key) = await h.Factory.CreateClientAsync("portal-timed", TestData.Ik, ApiScopes.Portal, ApiScopes.MachineAuth);
        var portal = timed.CreateClient();
        portal.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var (response, body) = await h.PostAsync(portal, Path, Body(p.Kvnr, ["eid"]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(clock.GetUtcNow().AddMinutes(10), body.GetProperty("validUntil").GetDateTimeOffset());
        var id = body.GetProperty("authenticationId").GetGuid();

        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var (_, before) = await h.DecideAsync(portal, id, "portal", "benefits-health-data", "outbound", p.Kvnr);
        Assert.Equal((true, "PF-DIS-001"), (before.GetProperty("allowed").GetBoolean(), before.GetProperty("reasonCode").GetString()));

        clock.Advance(TimeSpan.FromSeconds(1));
        var (_, after) = await h.DecideAsync(portal, id, "portal", "benefits-health-data", "outbound", p.Kvnr);
        Assert.Equal((false, "PF-DIS-011"), (after.GetProperty("allowed").GetBoolean(), after.GetProperty("reasonCode").GetString()));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_representative_logs_in_for_the_represented_person_within_the_recorded_scope(string provider)
    {
        await using var setup = await Setup.StartAsync(provider);
        var (h, portal, _, cared) = setup;
        var betreuer = await h.AddRepresentationAsync(cared, null, "betreuer", "contributions,address-change");
        var other = await h.AddPersonAsync();

        var auth = await LoginAsync(h, portal, cared, ["eid"], "hoch", betreuer);
        var (_, inScope) = await h.DecideAsync(portal, auth, "portal", "address-change", "inbound", cared.Kvnr);
        Assert.Equal((true, "PF-DIS-004", betreuer.ToString()),
            (inScope.GetProperty("allowed").GetBoolean(), inScope.GetProperty("reasonCode").GetString(), inScope.GetProperty("representativeId").GetString()));
        var (_, outOfScope) = await h.DecideAsync(portal, auth, "portal", "benefits-health-data", "outbound", cared.Kvnr);
        Assert.Equal("PF-DIS-015", outOfScope.GetProperty("reasonCode").GetString());

        // The representation belongs to the cared-for person: naming it for someone else is refused.
        var (wrong, wrongBody) = await h.PostAsync(portal, Path, Body(other.Kvnr, ["eid"], representativeId: betreuer));
        Assert.Equal((HttpStatusCode.NotFound, "PF-AUTH-012"), (wrong.StatusCode, wrongBody.GetProperty("code").GetString()));

        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        Assert.Equal(betreuer, (await db.Authentications.SingleAsync(a => a.Id == auth, Ct)).RepresentativeId);
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == AuditAction.PortalLoginRecorded, Ct);
        Assert.Contains($"\"representative\":\"{betreuer}\"", entry.Details, StringComparison.Ordinal);
        Assert.Equal(0, await db.Authentications.CountAsync(a => a.PersonId == other.Id, Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Nobody_is_authenticated_as_a_deceased_person_by_any_method_but_a_former_member_is(string provider)
    {
        await using var setup = await Setup.StartAsync(provider);
        var (h, portal, _, deceased) = setup;
        var ended = await h.AddPersonAsync();
        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
            await db.InsuredPersons.Where(x => x.Id == deceased.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.DeceasedOn, yesterday).SetProperty(x => x.InsuranceEnd, yesterday), Ct);
            await db.InsuredPersons.Where(x => x.Id == ended.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.InsuranceEnd, yesterday.AddYears(-1)), Ct);
        }
        async Task<List<(HttpStatusCode Status, string? Code)>> AllMethods(DisclosureHarness.Person person) =>
        [
            await Answer(h.PostAsync(h.AgentA, "/api/v1/authentications/in-person", new
            {
                kvnr = person.Kvnr, documentType = "personalausweis", documentNumberLast4 = "L01X", photoMatches = true, staffId = "bc-1",
            })),
            await Answer(h.PostAsync(h.AgentB, "/api/v1/authentications/written", new
            {
                kvnr = person.Kvnr, channel = "letter", staffId = "backoffice-3", matched = new { signature = true, name = true, addressOrBirthDate = true, kvnr = true },
            })),
            await Answer(h.PostAsync(portal, Path, Body(person.Kvnr, ["password", "totp"]))),
            await Answer(h.PostAsync(h.AgentA, "/api/v1/authentications/phone-questions", new { kvnr = person.Kvnr, staffId = "agent-1" })),
        ];

        Assert.All(await AllMethods(deceased), a => Assert.Equal((HttpStatusCode.UnprocessableEntity, ErrorCodes.AuthPersonDeceased), a));
        Assert.All(await AllMethods(ended), a => Assert.Equal(HttpStatusCode.OK, a.Status));

        await using var check = h.Factory.Services.CreateAsyncScope();
        var stored = check.ServiceProvider.GetRequiredService<PforteDbContext>();
        Assert.Equal(0, await stored.Authentications.CountAsync(a => a.PersonId == deceased.Id, Ct));
        var refusals = await stored.AuditEntries.Where(e => e.Action == AuditAction.AuthenticationRefusedDeceased).ToListAsync(Ct);
        Assert.Equal(4, refusals.Count);
        Assert.All(refusals, e => Assert.Equal((deceased.Id, "deceased"), (e.SubjectPersonId!.Value, e.ReasonCode)));
    }

    [Fact]
    public async Task A_method_taken_off_a_channel_in_the_settings_cannot_be_recorded_there()
    {
        await using var setup = await Setup.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["Pforte:Channels:portal:Methods:0"] = "machine-code",
            ["Pforte:Channels:phone:Methods:0"] = "machine-code",
        });
        var (h, portal, _, p) = setup;
        Assert.Equal((HttpStatusCode.UnprocessableEntity, ErrorCodes.AuthMethodNotOffered), await Answer(h.PostAsync(portal, Path, Body(p.Kvnr, ["password", "totp"]))));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, ErrorCodes.AuthMethodNotOffered),
            await Answer(h.PostAsync(h.AgentA, "/api/v1/authentications/phone-questions", new { kvnr = p.Kvnr, staffId = "agent-1" })));
        Assert.Equal(HttpStatusCode.OK, (await Answer(h.PostAsync(h.AgentA, "/api/v1/authentications/in-person", new
        {
            kvnr = p.Kvnr, documentType = "personalausweis", documentNumberLast4 = "L01X", photoMatches = true, staffId = "bc-1",
        }))).Status);
        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        Assert.Equal(1, await db.Authentications.CountAsync(a => a.PersonId == p.Id, Ct));
    }

    private static async Task<(HttpStatusCode Status, string? Code)> Answer(Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> call)
    {
        var (response, body) = await call;
        return (response.StatusCode, response.IsSuccessStatusCode ? null : body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_level_set_for_one_factor_changes_that_factor_and_keeps_the_other_defaults()
    {
        await using var setup = await Setup.StartAsync("sqlite", new Dictionary<string, string?> { ["Pforte:PortalLogin:Levels:sms-tan"] = "normal" });
        var (h, portal, _, p) = setup;
        await LoginAsync(h, portal, p, ["password", "sms-tan"], "normal");
        await LoginAsync(h, portal, p, ["password", "totp"], "substantiell");
        await LoginAsync(h, portal, p, ["egk-pin"], "hoch");
    }
}
