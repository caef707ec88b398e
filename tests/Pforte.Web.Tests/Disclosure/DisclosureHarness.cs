using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Clients;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.Disclosure;

/// <summary>A host with two agent desks (staff), an IVR (machine-auth), and persons whose facts the tests know.</summary>
public sealed class DisclosureHarness : IAsyncDisposable
{
    private int _next = 500;

    private DisclosureHarness(PforteWebFactory factory, Kasse kasse, HttpClient agentA, HttpClient agentB, HttpClient ivr)
    {
        Factory = factory;
        Kasse = kasse;
        AgentA = agentA;
        AgentB = agentB;
        Ivr = ivr;
    }

    public PforteWebFactory Factory { get; }

    public Kasse Kasse { get; }

    public HttpClient AgentA { get; }

    public HttpClient AgentB { get; }

    public HttpClient Ivr { get; }

    public List<string> Responses { get; } = [];

    public static async Task<DisclosureHarness> CreateAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = await PforteWebFactory.CreateAsync(provider, settings);
        var (kasse, a) = await factory.CreateClientAsync("desk-a", TestData.Ik, ApiScopes.Staff);
        var (_, b) = await factory.CreateClientAsync("desk-b", TestData.Ik, ApiScopes.Staff);
        var (_, ivr) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.MachineAuth);
        return new DisclosureHarness(factory, kasse, factory.ClientWithKey(a), factory.ClientWithKey(b), factory.ClientWithKey(ivr));
    }

    public sealed record Person(Guid Id, string Kvnr, string Card, DateOnly BirthDate, string PostalCode, string Street, DateOnly InsuranceStart, string GivenName, string? MainMemberName);

    public async Task<Person> AddPersonAsync(DateOnly? birth = null, Person? mainMember = null, Guid? kasseId = null)
    {
        var n = Interlocked.Increment(ref _next);
        var p = new InsuredPerson
        {
            Id = Guid.CreateVersion7(), KasseId = kasseId ?? Kasse.Id, Kvnr = TestData.Kvnr(n), FamilyName = "Weiß", GivenName = "Jürgen" + (char)('a' + n % 26),
            BirthDate = birth ?? new DateOnly(1971, 4, 9), InsuranceKind = mainMember is null ? InsuranceKind.Member : InsuranceKind.Family,
            MainMemberKvnr = mainMember?.Kvnr, InsuranceStart = new DateOnly(2004, 7, 1),
            Street = "Große Straße", HouseNumber = "3", PostalCode = "35037", City = "Marburg", Country = "DE",
        };
        var card = TestData.Card(n * 7L + 13);
        p.Cards.Add(new HealthCard { Id = Guid.CreateVersion7(), PersonId = p.Id, CardNumber = card, RecordedAt = DateTimeOffset.UtcNow });
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        db.InsuredPersons.Add(p);
        await db.SaveChangesAsync();
        return new Person(p.Id, p.Kvnr, card, p.BirthDate, p.PostalCode, p.Street, p.InsuranceStart, p.GivenName, mainMember is null ? null : mainMember.GivenName + " Weiß");
    }

    public async Task<Guid> AddRepresentationAsync(Person represented, Person? representative, string kind, string scope, DateOnly? validTo = null)
    {
        await using var s = Factory.Services.CreateAsyncScope();
        var db = s.ServiceProvider.GetRequiredService<PforteDbContext>();
        var r = new Representative
        {
            Id = Guid.CreateVersion7(), KasseId = Kasse.Id, RepresentedPersonId = represented.Id, Kind = RecordRepresentative.KindNames[kind],
            RepresentativePersonId = representative?.Id, FamilyName = "Vertreter", GivenName = "Volker", Scope = scope,
            ValidFrom = new DateOnly(2020, 1, 1), ValidTo = validTo, ProofReference = "Vollmacht 1", CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Representatives.Add(r);
        await db.SaveChangesAsync();
        return r.Id;
    }

    /// <summary>The right answer to a question, from what the test stored (the API never tells).</summary>
    public static string RightAnswer(string question, Person p) => question switch
    {
        "birth-date" => p.BirthDate.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture),
        "postcode-street" => $"{p.PostalCode} grosse str.",
        "insurance-start-month" => p.InsuranceStart.ToString("MM/yyyy", System.Globalization.CultureInfo.InvariantCulture),
        "card-last-digits" => p.Card[^5..],
        "main-member-name" => p.MainMemberName!.Replace("ü", "ue", StringComparison.Ordinal).ToUpperInvariant(),
        _ => throw new ArgumentOutOfRangeException(nameof(question)),
    };

    public async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Responses.Add(text);
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<(JsonElement Round, string[] Ids)> DrawAsync(HttpClient client, Person p, string staff = "agent-1")
    {
        var (response, body) = await PostAsync(client, "/api/v1/authentications/phone-questions", new { kvnr = p.Kvnr, staffId = staff });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (body, body.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("id").GetString()!).ToArray());
    }

    public Task<(HttpResponseMessage Response, JsonElement Body)> AnswerAsync(HttpClient client, JsonElement round, Dictionary<string, string> answers, string staff = "agent-1") =>
        PostAsync(client, $"/api/v1/authentications/phone-questions/{round.GetProperty("roundId").GetString()}/answers", new { answers, staffId = staff });

    public Task<(HttpResponseMessage Response, JsonElement Body)> DecideAsync(HttpClient client, Guid? authenticationId, string channel, string kind, string direction, string kvnr) =>
        PostAsync(client, "/api/v1/disclosure/decide", new { authenticationId, channel, requestKind = kind, direction, subjectKvnr = kvnr });

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
