using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Testing;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Pforte.Portal.Tests.SelfService;

/// <summary>Arranging the self-service tests: persons with a code in the host's database, and what the database says afterwards.</summary>
public static class SelfServiceArrange
{
    private static int _next = 500;

    /// <summary>An eligible member with a current card and (if given) an active code, as the daily run and the print hand-over leave it.</summary>
    public static async Task<InsuredPerson> AddPersonAsync(PortalHost host, string? code = "3852", DateOnly? birth = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var n = Interlocked.Increment(ref _next);
        var now = DateTimeOffset.UtcNow;
        var person = new InsuredPerson
        {
            Id = Guid.CreateVersion7(), KasseId = host.Kasse.Id, Kvnr = TestData.Kvnr(n), FamilyName = "Groß", GivenName = "Jürgen",
            BirthDate = birth ?? new DateOnly(1971, 4, 12), InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(2001, 1, 1),
            Street = "Schloßallee", HouseNumber = "3", PostalCode = "35037", City = "Marburg", Country = "DE", CreatedAt = now, UpdatedAt = now,
        };
        person.Cards.Add(new HealthCard { Id = Guid.CreateVersion7(), CardNumber = TestData.Card(n), RecordedAt = now });
        await using var db = host.NewContext();
        db.InsuredPersons.Add(person);
        if (code is not null)
        {
            var hash = host.Services.GetRequiredService<CodeHasher>().Hash(person.Id, code);
            db.AuthCodes.Add(new AuthCode
            {
                PersonId = person.Id, KasseId = host.Kasse.Id, State = AuthCodeState.Active, CodeHash = hash.Hash, KeyVersion = hash.KeyVersion,
                StateSince = now, Reason = AuthCodeReasons.FirstIssue,
            });
        }
        await db.SaveChangesAsync();
        return person;
    }

    public static async Task<T> QueryAsync<T>(PortalHost host, Func<PforteDbContext, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(query);
        await using var db = host.NewContext();
        return await query(db);
    }

    public static Task<string> CardAsync(PortalHost host, Guid personId) =>
        QueryAsync(host, db => db.HealthCards.Where(c => c.PersonId == personId && c.EndedAt == null).Select(c => c.CardNumber).SingleAsync());

    public static Task<AuthCode> CodeRowAsync(PortalHost host, Guid personId) =>
        QueryAsync(host, db => db.AuthCodes.AsNoTracking().SingleAsync(a => a.PersonId == personId));

    /// <summary>Whether this is the person's code now (the test holds the key ring, like the print hand-over).</summary>
    public static async Task<bool> CodeIsAsync(PortalHost host, Guid personId, string code)
    {
        ArgumentNullException.ThrowIfNull(host);
        var row = await CodeRowAsync(host, personId);
        return row.State == AuthCodeState.Active && host.Services.GetRequiredService<CodeHasher>().Matches(personId, code, row.CodeHash, row.KeyVersion);
    }

    /// <summary>A free TCP port on the loopback interface.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An SMTP server in the test process (the SmtpServer library) that keeps what it receives.</summary>
public sealed class InProcessSmtp : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private InProcessSmtp(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Port(port).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Messages));
        // Recipients are refused (550) while Accepting is false: a server that does not take the mail now.
        services.Add(new DelegatingMailboxFilter((SmtpServer.Mail.IMailbox to, SmtpServer.Mail.IMailbox from) => Accepting));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    private volatile bool _accepting = true;

    /// <summary>False: every recipient is refused, until set back to true.</summary>
    public bool Accepting
    {
        get => _accepting;
        set => _accepting = value;
    }

    public List<MimeMessage> Messages { get; } = [];

    /// <summary>The settings that point the portal at this server.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Pforte:Smtp:Host"] = "localhost",
        ["Pforte:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pforte:Smtp:Security"] = "None",
        ["Pforte:Smtp:From"] = "portal@kasse.example",
        ["Pforte:Smtp:FromName"] = "Testkasse",
    };

    public static InProcessSmtp Start() => new(SelfServiceArrange.FreePort());

    /// <summary>
    /// What arrived so far. The store runs before the server answers the DATA command, so a mail the portal has sent
    /// (its request answered) is here already: no waiting.
    /// </summary>
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
