using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Clients;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

/// <summary>
/// A web host with an IVR client and a staff client, persons with codes, and the print hand-over that makes codes
/// usable. Clear codes are learnt only the way the print service learns them: from the hand-over.
/// </summary>
public sealed class MachineAuthHarness : IAsyncDisposable
{
    private int _next = 1000;

    private MachineAuthHarness(PforteWebFactory factory, Kasse kasse, HttpClient ivr, HttpClient staff)
    {
        Factory = factory;
        Kasse = kasse;
        Ivr = ivr;
        Staff = staff;
    }

    public PforteWebFactory Factory { get; }

    public Kasse Kasse { get; }

    public HttpClient Ivr { get; }

    public HttpClient Staff { get; }

    /// <summary>Every clear code the tests learnt, to search logs, responses and the database for them.</summary>
    public HashSet<string> ClearCodes { get; } = [];

    /// <summary>Every response body the tests received.</summary>
    public List<string> Responses { get; } = [];

    public static async Task<MachineAuthHarness> CreateAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = await PforteWebFactory.CreateAsync(provider, settings);
        var (kasse, ivrKey) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.MachineAuth);
        var (_, staffKey) = await factory.CreateClientAsync("agent-desk", TestData.Ik, ApiScopes.Staff);
        return new MachineAuthHarness(factory, kasse, factory.ClientWithKey(ivrKey), factory.ClientWithKey(staffKey));
    }

    public sealed record Person(Guid Id, string Kvnr, string Card, DateOnly BirthDate);

    public async Task<Person> AddPersonAsync(InsuranceKind kind = InsuranceKind.Member, DateOnly? birth = null, Guid? kasseId = null)
    {
        var n = Interlocked.Increment(ref _next);
        var person = new InsuredPerson
        {
            Id = Guid.CreateVersion7(), KasseId = kasseId ?? Kasse.Id, Kvnr = TestData.Kvnr(n), FamilyName = "Groß", GivenName = "Jürgen",
            BirthDate = birth ?? new DateOnly(1971, 4, 12), InsuranceKind = kind, MainMemberKvnr = kind == InsuranceKind.Family ? TestData.Kvnr(1) : null,
            InsuranceStart = new DateOnly(2001, 1, 1), Street = "Schloßallee", HouseNumber = "3", PostalCode = "35037", City = "Marburg", Country = "DE",
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        var card = TestData.Card(n);
        person.Cards.Add(new HealthCard { Id = Guid.CreateVersion7(), CardNumber = card, RecordedAt = DateTimeOffset.UtcNow });
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        db.InsuredPersons.Add(person);
        await db.SaveChangesAsync();
        return new Person(person.Id, person.Kvnr, card, person.BirthDate);
    }

    /// <summary>Runs the daily issue job (as the CLI does) for everybody due.</summary>
    public async Task<IssueDueResult> IssueDueAsync(DateOnly? asOf = null)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IssueDueCodes>()
            .ExecuteAsync(asOf ?? new DateOnly(2026, 11, 28), AuditContext.System("test"));
    }

    /// <summary>Hands every pending letter to "print"; returns the clear codes per KVNR, as printed.</summary>
    public async Task<Dictionary<string, string>> HandOverAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var ids = await db.Letters.Where(l => l.ExportedAt == null).Select(l => l.Id).ToListAsync();
        var printed = new Dictionary<string, string>();
        await scope.ServiceProvider.GetRequiredService<LetterHandOver>().HandOverAsync(ids, Guid.CreateVersion7(), (letters, _) =>
        {
            foreach (var letter in letters.Where(l => l.Code is not null))
            {
                printed[letter.Letter.Kvnr] = letter.Code!;
                ClearCodes.Add(letter.Code!);
            }
            return Task.CompletedTask;
        }, AuditContext.System("test-print"));
        return printed;
    }

    /// <summary>A person with an active code: issued, handed over.</summary>
    public async Task<(Person Person, string Code)> PersonWithCodeAsync()
    {
        var person = await AddPersonAsync();
        await IssueDueAsync();
        var codes = await HandOverAsync();
        return (person, codes[person.Kvnr]);
    }

    /// <summary>Several persons with active codes (issued and handed over together); the codes per KVNR.</summary>
    public async Task<(List<Person> Persons, Dictionary<string, string> Codes)> PersonsWithCodesAsync(int count)
    {
        var persons = new List<Person>(count);
        for (var i = 0; i < count; i++)
        {
            persons.Add(await AddPersonAsync());
        }
        await IssueDueAsync();
        return (persons, await HandOverAsync());
    }

    public static object Body(Person person, string code, string channel = "portal", string? card = null, string? callerId = null, string? ip = null) => new
    {
        kvnr = person.Kvnr,
        cardNumber = card ?? (channel == "phone" ? person.Card[^10..] : person.Card),
        code,
        channel,
        source = new { callerId, callId = "call-" + Guid.NewGuid().ToString("N")[..8], ip },
    };

    public async Task<HttpResponseMessage> VerifyAsync(object body)
    {
        var response = await Ivr.PostAsJsonAsync("/api/v1/machine-auth/verify", body);
        Responses.Add(await response.Content.ReadAsStringAsync());
        return response;
    }

    public async Task<HttpResponseMessage> ChangeAsync(Person person, string code, string newCode)
    {
        var response = await Ivr.PostAsJsonAsync("/api/v1/machine-auth/change", new
        {
            kvnr = person.Kvnr, cardNumber = person.Card, code, newCode, channel = "portal", source = new { ip = "198.51.100.7" },
        });
        Responses.Add(await response.Content.ReadAsStringAsync());
        return response;
    }

    public async Task<JsonElement> CodeStatusAsync(Person person)
    {
        var text = await Staff.GetStringAsync($"/api/v1/insured/{person.Kvnr}/code-status");
        Responses.Add(text);
        return JsonDocument.Parse(text).RootElement;
    }

    public async Task<T> WithDbAsync<T>(Func<PforteDbContext, Task<T>> query)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PforteDbContext>());
    }

    /// <summary>A response body with the per-request ids removed, for byte comparison.</summary>
    public static string WithoutRequestIds(string body)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        node.Remove("traceId");
        node.Remove("correlationId");
        return node.ToJsonString();
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
