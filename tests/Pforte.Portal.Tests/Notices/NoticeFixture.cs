using System.Buffers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Pforte.Core;
using Pforte.Core.Insured;
using Pforte.Core.Notices;
using Pforte.Core.Persistence;
using Pforte.Core.SelfService;
using Pforte.Portal.SelfService;
using Pforte.Portal.Tests.SelfService;
using Pforte.Testing;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Pforte.Portal.Tests.Notices;

/// <summary>An SMTP server in the test process that can refuse recipients (a mailbox filter) until told otherwise.</summary>
public sealed class RefusingSmtp : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public RefusingSmtp()
    {
        Port = SelfServiceArrange.FreePort();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Port(Port).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Messages));
        services.Add(new DelegatingMailboxFilter((IMailbox to, IMailbox from) => Accepting));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    private volatile bool _accepting = true;

    /// <summary>False: every recipient is refused (550), as by a server that does not take the mail now.</summary>
    public bool Accepting
    {
        get => _accepting;
        set => _accepting = value;
    }

    public List<MimeMessage> Messages { get; } = [];

    public Dictionary<string, string?> Settings => new()
    {
        ["Pforte:Smtp:Host"] = "localhost",
        ["Pforte:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pforte:Smtp:Security"] = "None",
        ["Pforte:Smtp:From"] = "portal@kasse.example",
        ["Pforte:Smtp:FromName"] = "Testkasse",
    };

    public IReadOnlyList<MimeMessage> Received()
    {
        lock (Messages)
        {
            return [.. Messages];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private sealed class Store(List<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            lock (messages)
            {
                messages.Add(message);
            }
            return SmtpResponse.Ok;
        }
    }
}

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
