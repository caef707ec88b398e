using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Clients;
using Pforte.Core.Insured;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Caller;

/// <summary>A person of the host's Kasse with an active code the test knows (as the IVR's caller would).</summary>
public sealed record AgentPerson(Guid Id, string Kvnr, string Card, string Code, byte[] CodeHash);

/// <summary>Persons and the IVR's API call for the caller screen and counter tests.</summary>
public static class AgentData
{
    private static int _next = 100;

    public const string Code = "3852";

    public static async Task<AgentPerson> AddPersonAsync(WorkspaceHost host, string familyName = "Groß", string givenName = "Jürgen")
    {
        ArgumentNullException.ThrowIfNull(host);
        var n = Interlocked.Increment(ref _next);
        var now = DateTimeOffset.UtcNow;
        var person = new InsuredPerson
        {
            Id = Guid.CreateVersion7(), KasseId = host.Kasse.Id, Kvnr = TestData.Kvnr(n), FamilyName = familyName, GivenName = givenName,
            BirthDate = new DateOnly(1971, 4, 12), InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(2001, 1, 1),
            Street = "Schloßallee", HouseNumber = "3", PostalCode = "35037", City = "Marburg", Country = "DE", CreatedAt = now, UpdatedAt = now,
        };
        var card = TestData.Card(n);
        person.Cards.Add(new HealthCard { Id = Guid.CreateVersion7(), CardNumber = card, RecordedAt = now });
        await using var scope = host.Scope();
        var hash = scope.ServiceProvider.GetRequiredService<CodeHasher>().Hash(person.Id, Code);
        await using var db = host.NewContext();
        db.InsuredPersons.Add(person);
        db.AuthCodes.Add(new AuthCode
        {
            PersonId = person.Id, KasseId = host.Kasse.Id, State = AuthCodeState.Active, CodeHash = hash.Hash, KeyVersion = hash.KeyVersion,
            StateSince = now, Reason = AuthCodeReasons.FirstIssue,
        });
        await db.SaveChangesAsync();
        return new AgentPerson(person.Id, person.Kvnr, card, Code, hash.Hash);
    }

    /// <summary>An API client of the host's Kasse with <paramref name="scopes"/> (the IVR: machine-auth).</summary>
    public static async Task<HttpClient> ApiAsync(WorkspaceHost host, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(host);
        await using var scope = host.Scope();
        var key = (await scope.ServiceProvider.GetRequiredService<CreateApiClient>().ExecuteAsync(host.Kasse.Id, "ivr-test", scopes.Length == 0 ? [ApiScopes.MachineAuth] : scopes,
            AuditContext.System("test"))).Value.Key;
        var api = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return api;
    }

    /// <summary>The IVR verifies the caller of <paramref name="callId"/> with KVNR, the card's last ten digits and the code.</summary>
    public static async Task VerifyByIvrAsync(HttpClient ivr, AgentPerson person, string callId)
    {
        ArgumentNullException.ThrowIfNull(ivr);
        ArgumentNullException.ThrowIfNull(person);
        var response = await ivr.PostAsJsonAsync("/api/v1/machine-auth/verify", new
        {
            kvnr = person.Kvnr,
            cardNumber = person.Card[^10..],
            code = person.Code,
            channel = "phone",
            source = new { callerId = "+4964211234", callId, ip = (string?)null },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Nothing secret in a page or response: the clear code, its hash (Base64 or hex), the card's digits asked as a question.</summary>
    public static void AssertNoSecrets(string content, AgentPerson person, string where)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(person);
        Assert.False(content.Contains(Convert.ToBase64String(person.CodeHash), StringComparison.Ordinal), where + ": the code's hash (Base64)");
        Assert.False(content.Contains(Convert.ToHexString(person.CodeHash), StringComparison.OrdinalIgnoreCase), where + ": the code's hash (hex)");
        Assert.False(content.Contains(person.Card[^10..], StringComparison.Ordinal), where + ": the card's digits (a question's answer)");
        Assert.False(System.Text.RegularExpressions.Regex.IsMatch(content, @"(?<![0-9A-Za-z])" + person.Code + @"(?![0-9A-Za-z])"), where + ": the clear code");
    }

    /// <summary>
    /// The workspace is not an API client: the authentications (and phone question rounds) its staff recorded for
    /// <paramref name="personId"/> carry no client id (null, not an all-zero id), and the audit records of the staff
    /// member name them as actor, never a client.
    /// </summary>
    public static async Task AssertNoClientAsync(WorkspaceHost host, Guid personId, string actorId)
    {
        ArgumentNullException.ThrowIfNull(host);
        await using var db = host.NewContext();
        var authentications = await db.Authentications.AsNoTracking().Where(a => a.PersonId == personId && a.StaffId != null).ToListAsync();
        Assert.NotEmpty(authentications);
        Assert.All(authentications, a => Assert.Null(a.ClientId));
        Assert.All(await db.PhoneQuestionSessions.AsNoTracking().Where(s => s.PersonId == personId).ToListAsync(), s => Assert.Null(s.ClientId));
        var records = await db.AuditEntries.AsNoTracking().Where(e => e.SubjectPersonId == personId && e.ActorId == actorId).ToListAsync();
        Assert.NotEmpty(records);
        Assert.All(records, e =>
        {
            Assert.Equal(ActorKind.Staff, e.ActorKind);
            Assert.DoesNotContain(Guid.Empty.ToString(), e.Details ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("\"client", e.Details ?? "", StringComparison.Ordinal);
        });
    }

    public static async Task<int> CountAsync(WorkspaceHost host, AuditAction action)
    {
        ArgumentNullException.ThrowIfNull(host);
        await using var db = host.NewContext();
        return await db.AuditEntries.CountAsync(e => e.Action == action);
    }
}
