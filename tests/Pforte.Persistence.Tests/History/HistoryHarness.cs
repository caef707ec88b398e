using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pforte.Core;
using Pforte.Core.Audit;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.History;

/// <summary>The real use cases on a test database, with a fake clock and a renderer that keeps what it was asked to render.</summary>
internal sealed class HistoryHarness : IAsyncDisposable
{
    /// <summary>10:00 UTC on 5 December 2026: 11:00 in Berlin, same calendar day.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private int _persons;

    private HistoryHarness(TestDb db, ServiceProvider services, Guid kasseId)
    {
        Db = db;
        _services = services;
        KasseId = kasseId;
    }

    public TestDb Db { get; }

    public Guid KasseId { get; }

    public FakeTimeProvider Clock { get; } = new(Now);

    public RecordingRenderer Renderer { get; } = new();

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<HistoryHarness> CreateAsync(string provider)
    {
        var db = await TestDb.CreateAsync(provider);
        Guid kasseId;
        await using (var context = db.NewContext())
        {
            kasseId = (await TestData.CreateKasseAsync(context)).Id;
        }
        HistoryHarness? harness = null;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(db.Configuration).Build();
        var services = new ServiceCollection().AddPforteCore(configuration);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<TimeProvider>(_ => harness!.Clock);
        services.AddSingleton<ILetterRenderer>(_ => harness!.Renderer);
        harness = new HistoryHarness(db, services.BuildServiceProvider(), kasseId);
        return harness;
    }

    /// <summary>A scope of its own per call, like one request.</summary>
    public async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        await using var scope = _services.CreateAsyncScope();
        return await body(scope.ServiceProvider);
    }

    /// <summary>A request scope the caller disposes (for tests that use several services of one request).</summary>
    public AsyncServiceScope RunScope() => _services.CreateAsyncScope();

    public async Task<InsuredPerson> PersonAsync(string givenName = "Jürgen", string familyName = "Müßig", DateOnly? birthDate = null)
    {
        var n = Interlocked.Increment(ref _persons);
        var person = new InsuredPerson
        {
            Id = Guid.CreateVersion7(),
            KasseId = KasseId,
            Kvnr = TestData.Kvnr(100 + n),
            FamilyName = familyName,
            GivenName = givenName,
            BirthDate = birthDate ?? new DateOnly(1980, 2, 29),
            InsuranceKind = InsuranceKind.Member,
            InsuranceStart = new DateOnly(2000, 1, 1),
            Street = "Lindenstraße",
            HouseNumber = "5a",
            PostalCode = "60311",
            City = "Frankfurt am Main",
            Country = "DE",
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        person.Cards.Add(new HealthCard { Id = Guid.CreateVersion7(), CardNumber = TestData.Card(1000 + n), RecordedAt = Now });
        await using var db = Db.NewContext();
        db.InsuredPersons.Add(person);
        await db.SaveChangesAsync(Ct);
        return person;
    }

    /// <summary>Appends an audit entry about a person as some actor would, in its own transaction.</summary>
    public async Task AuditAsync(Guid personId, string kvnr, AuditContext context, AuditAction action, AuditOutcome outcome = AuditOutcome.Success, string? details = null, string? reason = null)
    {
        await using var db = Db.NewContext();
        var audit = new AuditLog(db, Clock);
        await using var transaction = await db.BeginWriteAsync(Ct);
        await audit.AppendAsync(KasseId, context, new AuditEvent(action, outcome, personId, kvnr, reason, details), Ct);
        await db.SaveChangesAsync(Ct);
        await transaction.CommitAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <summary>Keeps the models it renders and writes a recognisable stand-in for a PDF.</summary>
    internal sealed class RecordingRenderer : ILetterRenderer
    {
        public List<LetterRenderModel> Rendered { get; } = [];

        public IReadOnlyList<int> Render(IReadOnlyList<LetterRenderModel> letters, Stream output)
        {
            ArgumentNullException.ThrowIfNull(letters);
            ArgumentNullException.ThrowIfNull(output);
            lock (Rendered)
            {
                Rendered.AddRange(letters);
            }
            output.Write("%PDF-fake"u8);
            return [.. letters.Select(_ => 1)];
        }
    }
}
