using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pforte.Core;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Core.SelfService;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.SelfService;

/// <summary>Records mails instead of sending them (the SMTP path has its own test in the portal's tests).</summary>
public sealed class RecordingMailSender : IMailSender
{
    public List<OutgoingMail> Sent { get; } = [];

    public bool IsConfigured { get; set; } = true;

    public bool Fail { get; set; }

    public Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new IOException("SMTP server not reachable");
        }
        Sent.Add(mail);
        return Task.CompletedTask;
    }
}

/// <summary>The use cases as the host wires them, on a fresh database with a Kasse and a clock the test moves.</summary>
public sealed class SelfServiceFixture : IAsyncDisposable
{
    public static readonly Guid ClientId = Guid.CreateVersion7();

    private int _next;

    private SelfServiceFixture(TestDb db, ServiceProvider services, Kasse kasse, FakeTimeProvider clock, RecordingMailSender mail)
    {
        Db = db;
        Services = services;
        Kasse = kasse;
        Clock = clock;
        Mail = mail;
    }

    public TestDb Db { get; }

    public ServiceProvider Services { get; }

    public Kasse Kasse { get; }

    public FakeTimeProvider Clock { get; }

    public RecordingMailSender Mail { get; }

    public static AuditContext Portal(string ip = "198.51.100.7") => new(ActorKind.Insured, "portal:test", "portal", SourceIp: ip);

    public static async Task<SelfServiceFixture> CreateAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var db = await TestDb.CreateAsync(provider);
        var values = new Dictionary<string, string?>(db.Configuration);
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var mail = new RecordingMailSender();
        var services = new ServiceCollection().AddPforteCore(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IMailSender>(mail);
        var provider_ = services.BuildServiceProvider();
        await using var context = db.NewContext();
        var kasse = await TestData.CreateKasseAsync(context, clock: clock);
        return new SelfServiceFixture(db, provider_, kasse, clock, mail);
    }

    /// <summary>An eligible member with a current card and, if given, an active code.</summary>
    public async Task<InsuredPerson> AddPersonAsync(string? code = "3852", DateOnly? birth = null)
    {
        var n = Interlocked.Increment(ref _next);
        var now = Clock.GetUtcNow();
        var person = new InsuredPerson
        {
            Id = Guid.CreateVersion7(), KasseId = Kasse.Id, Kvnr = TestData.Kvnr(n), FamilyName = "Groß", GivenName = "Jürgen",
            BirthDate = birth ?? new DateOnly(1971, 4, 12), InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(2001, 1, 1),
            Street = "Schloßallee", HouseNumber = "3", PostalCode = "35037", City = "Marburg", Country = "DE", CreatedAt = now, UpdatedAt = now,
        };
        person.Cards.Add(new HealthCard { Id = Guid.CreateVersion7(), CardNumber = TestData.Card(n), RecordedAt = now });
        await using var context = Db.NewContext();
        context.InsuredPersons.Add(person);
        if (code is not null)
        {
            var hash = Services.GetRequiredService<CodeHasher>().Hash(person.Id, code);
            context.AuthCodes.Add(new AuthCode
            {
                PersonId = person.Id, KasseId = Kasse.Id, State = AuthCodeState.Active, CodeHash = hash.Hash, KeyVersion = hash.KeyVersion,
                StateSince = now, Reason = AuthCodeReasons.FirstIssue,
            });
        }
        await context.SaveChangesAsync();
        return person;
    }

    public async Task<T> UseAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public async Task<T> QueryAsync<T>(Func<PforteDbContext, Task<T>> query)
    {
        await using var context = Db.NewContext();
        return await query(context);
    }

    public Task<List<AuditEntry>> AuditAsync(Guid personId) =>
        QueryAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.SubjectPersonId == personId).OrderBy(e => e.Id).ToListAsync());

    public Task<string> CardAsync(Guid personId) =>
        QueryAsync(db => db.HealthCards.Where(c => c.PersonId == personId && c.EndedAt == null).Select(c => c.CardNumber).SingleAsync());

    /// <summary>Marks every letter as handed over to print (the code in it becomes usable, as after an export).</summary>
    public Task HandOverAllAsync() => QueryAsync(async db =>
    {
        var now = Clock.GetUtcNow();
        await db.Letters.Where(l => l.ExportedAt == null).ExecuteUpdateAsync(u => u.SetProperty(l => l.ExportedAt, now).SetProperty(l => l.SealedCode, (byte[]?)null));
        return await db.AuthCodes.Where(a => a.State == AuthCodeState.Pending).ExecuteUpdateAsync(u => u.SetProperty(a => a.State, AuthCodeState.Active).SetProperty(a => a.PendingLetterId, (Guid?)null));
    });

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Db.DisposeAsync();
    }
}
