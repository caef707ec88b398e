using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using Pforte.Core.Mailbox;
using Pforte.Core.Persistence;

namespace Pforte.Benchmarks;

/// <summary>
/// Mailbox benchmark (bench/mailbox, issue 13): seeds MESSAGES messages (two per thread, each encrypted with its own
/// data key like the use cases do) for random persons of a new Kasse — one person with 1,000 threads, one team
/// (topic <c>general-information</c>) with 100,000 open threads, the rest a mix of topics and states — then times
/// the person's inbox page (<see cref="PersonMailbox.ListAsync"/>, with the disclosure preview) and the team inbox
/// page (<see cref="StaffMailbox.TeamInboxAsync"/>, first and a deep page). Database and key ring from the
/// environment (Pforte__Database__Provider, Pforte__Database__ConnectionString, Pforte__Keys__Path), like the CLI.
/// </summary>
internal static class MailboxBench
{
    public const string Ik = "260326822";
    private const string Team = RequestKinds.GeneralInformation;

    public static async Task RunAsync(int messages, int runs)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPforteCore(configuration);
        await using var provider = services.BuildServiceProvider();
        var (kasseId, heavy) = await SeedAsync(provider, messages);

        MailboxActor actor;
        await using (var scope = provider.CreateAsyncScope())
        {
            var kvnr = await scope.ServiceProvider.GetRequiredService<PforteDbContext>().InsuredPersons.Where(p => p.Id == heavy).Select(p => p.Kvnr).SingleAsync();
            var context = new AuditContext(ActorKind.Insured, "bench", Channels.Portal);
            var login = await scope.ServiceProvider.GetRequiredService<RecordAuthentication>().PortalLoginAsync(kasseId, Guid.CreateVersion7(),
                new PortalLoginInput(kvnr, [PortalLoginFactors.Password, PortalLoginFactors.Totp], "bench", null), context);
            actor = new MailboxActor(kasseId, heavy, null, login.Value.Id, context);
        }
        string? deepCursor = null;
        await TimeAsync("person inbox, first page (25 of 1,000 threads)", runs, provider, async s =>
            (await s.GetRequiredService<PersonMailbox>().ListAsync(actor, new InboxQuery())).Value.Items.Count);
        await using (var scope = provider.CreateAsyncScope())
        {
            var mailbox = scope.ServiceProvider.GetRequiredService<PersonMailbox>();
            var page = (await mailbox.ListAsync(actor, new InboxQuery(PageSize: 100))).Value;
            for (var i = 0; i < 8 && page.Older is not null; i++)
            {
                page = (await mailbox.ListAsync(actor, new InboxQuery(PageSize: 100, Older: page.Older))).Value;
            }
            deepCursor = page.Older;
        }
        await TimeAsync("person inbox, page after 900 threads", runs, provider, async s =>
            (await s.GetRequiredService<PersonMailbox>().ListAsync(actor, new InboxQuery(Older: deepCursor))).Value.Items.Count);
        await TimeAsync("person inbox, search (decrypts the readable ones of ≤ 1,000 threads)", Math.Max(5, runs / 20), provider, async s =>
            (await s.GetRequiredService<PersonMailbox>().ListAsync(actor, new InboxQuery(Search: "Anliegen (Nr. 99"))).Value.Items.Count);
        await TimeAsync("team inbox (100,000 open), first page of 50 by due date", runs, provider, async s =>
            (await s.GetRequiredService<StaffMailbox>().TeamInboxAsync(kasseId, new TeamInboxQuery(Team))).Value.Items.Count);
        string? teamCursor;
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            var open = await db.MailboxThreads.CountAsync(t => t.KasseId == kasseId && t.Topic == Team && t.Open);
            var middle = await db.MailboxThreads.Where(t => t.KasseId == kasseId && t.Topic == Team && t.Open).OrderBy(t => t.DueAt).ThenBy(t => t.Id).Skip(open / 2)
                .Select(t => new { t.DueAt, t.Id }).FirstAsync();
            teamCursor = $"{middle.DueAt.UtcTicks.ToString("x", CultureInfo.InvariantCulture)}.{middle.Id:N}";
        }
        await TimeAsync("team inbox, page in the middle (after half the open threads)", runs, provider, async s =>
            (await s.GetRequiredService<StaffMailbox>().TeamInboxAsync(kasseId, new TeamInboxQuery(Team, After: teamCursor))).Value.Items.Count);
        await TimeAsync("team inbox, assigned to one agent", runs, provider, async s =>
            (await s.GetRequiredService<StaffMailbox>().TeamInboxAsync(kasseId, new TeamInboxQuery(Team, AssignedTo: "agent-7"))).Value.Items.Count);
    }

    private static async Task TimeAsync(string what, int runs, ServiceProvider provider, Func<IServiceProvider, Task<int>> body)
    {
        var times = new List<double>();
        var items = 0;
        for (var i = 0; i < runs + 5; i++)
        {
            await using var scope = provider.CreateAsyncScope();
            var watch = Stopwatch.StartNew();
            items = await body(scope.ServiceProvider);
            if (i >= 5)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {items} items, p50 {times[times.Count / 2]:F1} ms, p95 {times[(int)(times.Count * 0.95)]:F1} ms, max {times[^1]:F1} ms ({runs} runs)"));
    }

    private static async Task<(Guid Kasse, Guid Heavy)> SeedAsync(ServiceProvider provider, int messages)
    {
        Guid kasseId;
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            var existing = await db.Kassen.Where(k => k.Ik == Ik).Select(k => (Guid?)k.Id).SingleOrDefaultAsync();
            if (existing is { } id && await db.MailboxThreads.AnyAsync(t => t.KasseId == id))
            {
                var heavyId = await db.MailboxThreads.Where(t => t.KasseId == id).GroupBy(t => t.PersonId).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
                Console.WriteLine("seed: already there");
                return (id, heavyId);
            }
            kasseId = existing ?? (await scope.ServiceProvider.GetRequiredService<CreateKasse>().ExecuteAsync(
                new NewKasse(Ik, "Benchmarkkasse", "Musterstraße", "1", "60311", "Frankfurt am Main"), AuditContext.System("bench"))).Value.Id;
        }
        var random = new Random(20261213);
        var threads = messages / 2;
        var personCount = Math.Max(1000, threads / 5);
        var started = Stopwatch.StartNew();
        var persons = new List<Guid>(personCount);
        var kvnrs = new HashSet<string>(StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow;
        for (var batch = 0; batch < personCount; batch += 5000)
        {
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            for (var i = batch; i < Math.Min(personCount, batch + 5000); i++)
            {
                var n = random.Next(1, 99_999_999);
                var person = new InsuredPerson
                {
                    Id = Guid.CreateVersion7(), KasseId = kasseId, Kvnr = Kvnr.Create((char)('A' + i % 26), n).Value, FamilyName = "Muster", GivenName = "Erika",
                    BirthDate = new DateOnly(1950 + i % 50, 1 + i % 12, 1 + i % 28), InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(2000, 1, 1),
                    Street = "Lindenstraße", HouseNumber = "5", PostalCode = "60311", City = "Frankfurt am Main", Country = "DE", CreatedAt = now, UpdatedAt = now,
                };
                if (!kvnrs.Add(person.Kvnr))
                {
                    i--;
                    continue;
                }
                db.InsuredPersons.Add(person);
                persons.Add(person.Id);
            }
            await db.SaveChangesAsync();
        }
        Console.WriteLine($"seed: {persons.Count} persons in {started.Elapsed.TotalSeconds:F1} s");
        started.Restart();
        var heavy = persons[0];
        var topics = MailboxContent.Topics.Where(t => t != Team).ToArray();
        const int batchSize = 2000;
        var made = 0;
        while (made < threads)
        {
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            var content = scope.ServiceProvider.GetRequiredService<MailboxContent>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = 0; i < batchSize && made < threads; i++, made++)
            {
                var person = made < 1000 ? heavy : persons[random.Next(1, persons.Count)];
                var teamThread = made >= 1000 && made < 101_000;
                var topic = teamThread ? Team : topics[random.Next(topics.Length)];
                var at = now.AddMinutes(-random.Next(0, 2 * 365 * 24 * 60));
                var thread = AddConversation(content, kasseId, person, topic, made, at, random);
                if (teamThread)
                {
                    thread.Status = random.Next(3) == 0 ? ThreadStatus.InProgress : ThreadStatus.New;
                    thread.Open = true;
                    thread.AssignedStaffId = thread.Status == ThreadStatus.InProgress ? "agent-" + random.Next(1, 50) : null;
                }
            }
            await db.SaveChangesAsync();
            if (made % 50_000 == 0)
            {
                Console.WriteLine($"seed: {made} threads ({2 * made} messages), {started.Elapsed.TotalSeconds:F0} s");
            }
        }
        Console.WriteLine($"seed: {threads} threads, {2 * threads} messages in {started.Elapsed.TotalSeconds:F1} s");
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            if (!db.IsSqlite)
            {
                await db.Database.ExecuteSqlRawAsync("ANALYZE mailbox_threads; ANALYZE mailbox_messages; ANALYZE insured_persons;");
            }
        }
        return (kasseId, heavy);
    }

    /// <summary>
    /// Thread number <paramref name="n"/> of a seed: the person's question and the staff's answer two hours later, each
    /// encrypted under its own data key as the use cases write them; a random state, due five days after the question.
    /// </summary>
    internal static MailboxThread AddConversation(MailboxContent content, Guid kasseId, Guid person, string topic, int n, DateTimeOffset at, Random random)
    {
        var thread = content.NewThread(kasseId, person, topic, $"Rückfrage {n} zu {RequestKindNames.German(topic)}", at);
        content.AddMessage(thread, MessageSender.Person, null, $"Guten Tag, ich habe eine Frage zu meinem Anliegen (Nr. {n}). Mit freundlichen Grüßen", [], at);
        content.AddMessage(thread, MessageSender.Staff, "agent-" + random.Next(1, 50),
            "Vielen Dank für Ihre Nachricht. Wir haben Ihr Anliegen geprüft und melden uns mit dem Ergebnis.", [], at.AddHours(2));
        thread.Status = (ThreadStatus)random.Next(1, 5);
        thread.Open = thread.Status is ThreadStatus.New or ThreadStatus.InProgress;
        thread.DueAt = at.AddDays(5);
        return thread;
    }
}
