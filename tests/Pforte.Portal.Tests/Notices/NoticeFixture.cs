using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pforte.Core;
using Pforte.Core.Insured;
using Pforte.Core.Notices;
using Pforte.Core.Persistence;
using Pforte.Core.SelfService;
using Pforte.Portal.SelfService;
using Pforte.Portal.Tests.SelfService;
using Pforte.Testing;

namespace Pforte.Portal.Tests.Notices;

/// <summary>Core and the portal's SMTP sender as a host wires them, on a test database, with a clock the test moves.</summary>
public sealed class NoticeFixture : IAsyncDisposable
{
    public const string PortalUrl = "https://meine.kasse.example/portal";
    private static int _next = 9000;

    private NoticeFixture(TestDb db, Kasse kasse, FakeTimeProvider clock, Dictionary<string, string?> settings)
    {
        Db = db;
        Kasse = kasse;
        Clock = clock;
        Settings = settings;
        Services = NewHost();
    }

    public TestDb Db { get; }

    public Kasse Kasse { get; }

    public FakeTimeProvider Clock { get; }

    public Dictionary<string, string?> Settings { get; }

    public ServiceProvider Services { get; }

    public static async Task<NoticeFixture> CreateAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var db = await TestDb.CreateAsync(provider);
        var values = new Dictionary<string, string?>(db.Configuration)
        {
            ["Pforte:Portal:PublicBaseUrl"] = PortalUrl,
            ["Pforte:Notices:Delay"] = "00:00:00",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        await using var context = db.NewContext();
        var kasse = await TestData.CreateKasseAsync(context, clock: clock);
        return new NoticeFixture(db, kasse, clock, values);
    }

    /// <summary>Another "node": its own container on the same database and mail server.</summary>
    public ServiceProvider NewHost()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
        var services = new ServiceCollection().AddPforteCore(configuration);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<TimeProvider>(Clock);
        SelfServiceRegistration.AddPortalSelfService(services, configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>A person, with a confirmed contact address unless <paramref name="address"/> is null.</summary>
    public async Task<InsuredPerson> AddPersonAsync(string? address = "juergen.gross@example.org")
    {
        var n = Interlocked.Increment(ref _next);
        var now = Clock.GetUtcNow();
        var person = new InsuredPerson
        {
            Id = Guid.CreateVersion7(), KasseId = Kasse.Id, Kvnr = TestData.Kvnr(n), FamilyName = "Großmann", GivenName = "Jürgen",
            BirthDate = new DateOnly(1971, 4, 12), InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(2001, 1, 1),
            Street = "Schloßallee", HouseNumber = "3", PostalCode = "35037", City = "Marburg", Country = "DE", CreatedAt = now, UpdatedAt = now,
        };
        await using var context = Db.NewContext();
        context.InsuredPersons.Add(person);
        if (address is not null)
        {
            context.Add(new ContactEmail { PersonId = person.Id, KasseId = Kasse.Id, Address = address, ConfirmedAt = now });
        }
        await context.SaveChangesAsync();
        return person;
    }

    /// <summary>What a caller (the mailbox's write) does: queue inside its own write transaction, then save and commit.</summary>
    public async Task QueueAsync(Guid personId, ServiceProvider? host = null)
    {
        await using var scope = (host ?? Services).CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        await using var transaction = await db.BeginWriteAsync();
        await scope.ServiceProvider.GetRequiredService<MailboxNotices>().QueueNewMessageAsync(Kasse.Id, personId, CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    public async Task<NoticeRun> SendAsync(ServiceProvider? host = null)
    {
        await using var scope = (host ?? Services).CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SendMailboxNotices>().ExecuteAsync();
    }

    public async Task<List<MailboxNotice>> NoticesAsync(Guid personId)
    {
        await using var context = Db.NewContext();
        return await context.Set<MailboxNotice>().AsNoTracking().Where(n => n.PersonId == personId).OrderBy(n => n.CreatedAt).ToListAsync();
    }

    public async Task<List<Pforte.Core.Audit.AuditEntry>> AuditAsync()
    {
        await using var context = Db.NewContext();
        return await context.AuditEntries.AsNoTracking().Where(e => e.KasseId == Kasse.Id).OrderBy(e => e.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Db.DisposeAsync();
    }
}
