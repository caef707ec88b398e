using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox;
using Pforte.Core.Persistence;

namespace Pforte.Benchmarks;

/// <summary>
/// The rendered mailbox under load (bench/mailbox/pages.sh, issue 13): after bench/portal's set-up (imported insured,
/// sessions registered through the portal), <c>mailbox-pages-seed</c> gives every person with a portal account
/// <c>perSession</c> threads and spreads the rest of <c>messages</c> over random other insured of the Kasse — two
/// messages a thread, each encrypted with its own data key by <see cref="MailboxContent"/> as the use cases write them.
/// <c>mailbox-upload</c> then sends a new message with a file of the given size through the portal's compose form
/// (GET for the form token, multipart POST) once per session, one after the other, and prints the client times.
/// </summary>
internal static partial class MailboxPages
{
    public static async Task SeedAsync(int messages, int perSession)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPforteCore(configuration);
        await using var provider = services.BuildServiceProvider();
        var random = new Random(20261213);
        Guid kasseId;
        List<Guid> sessions, others;
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            sessions = await db.PortalAccounts.AsNoTracking().Select(a => a.PersonId).Distinct().ToListAsync();
            kasseId = await db.PortalAccounts.AsNoTracking().Select(a => a.KasseId).FirstAsync();
            others = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId).Select(p => p.Id).ToListAsync();
        }
        var threads = messages / 2;
        var topics = MailboxContent.Topics.ToArray();
        var now = DateTimeOffset.UtcNow;
        var started = Stopwatch.StartNew();
        var made = 0;
        while (made < threads)
        {
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            var content = scope.ServiceProvider.GetRequiredService<MailboxContent>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = 0; i < 2000 && made < threads; i++, made++)
            {
                // The sessions' persons first (perSession threads each), then random others.
                var person = made < sessions.Count * perSession ? sessions[made % sessions.Count] : others[random.Next(others.Count)];
                var topic = made < sessions.Count * perSession ? RequestKinds.GeneralInformation : topics[random.Next(topics.Length)];
                var at = now.AddMinutes(-random.Next(0, 2 * 365 * 24 * 60));
                MailboxBench.AddConversation(content, kasseId, person, topic, made, at, random);
            }
            await db.SaveChangesAsync();
            if (made % 100_000 == 0)
            {
                Console.WriteLine($"mailbox: {made} threads ({2 * made} messages), {started.Elapsed.TotalSeconds:F0} s");
            }
        }
        Console.WriteLine($"mailbox: {threads} threads, {2 * threads} messages ({sessions.Count} sessions × {perSession} threads) in {started.Elapsed.TotalSeconds:F1} s");
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            if (!db.IsSqlite)
            {
                await db.Database.ExecuteSqlRawAsync("ANALYZE mailbox_threads; ANALYZE mailbox_messages;");
            }
        }
    }

    public static async Task UploadAsync(string baseUrl, string cookiesFile, int count, int megabytes)
    {
        var sessions = await File.ReadAllLinesAsync(cookiesFile);
        var pdf = Pdf((megabytes * 1024 * 1024) - 4096); // just under the limit with the PDF around the image
        var times = new List<double>();
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
        for (var i = 0; i < count; i++)
        {
            var cookie = sessions[i % sessions.Length];
            using var get = new HttpRequestMessage(HttpMethod.Get, "/portal/postfach/neu");
            get.Headers.Add("Cookie", cookie);
            using var form = await http.SendAsync(get);
            var html = await form.Content.ReadAsStringAsync();
            var token = TokenPattern().Match(html) is { Success: true } t ? WebUtility.HtmlDecode(t.Groups[1].Value)
                : throw new InvalidOperationException($"GET /portal/postfach/neu: {(int)form.StatusCode}, no form token");
            using var content = new MultipartFormDataContent
            {
                { new StringContent(token), "__af" },
                { new StringContent(RequestKinds.GeneralInformation), "thema" },
                { new StringContent($"Scan Nr. {i}"), "betreff" },
                { new StringContent("Anbei der Scan meiner Unterlagen."), "nachricht" },
            };
            var file = new ByteArrayContent(pdf);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            content.Add(file, "anhaenge", "scan.pdf");
            using var post = new HttpRequestMessage(HttpMethod.Post, "/portal/postfach/neu") { Content = content };
            post.Headers.Add("Cookie", cookie);
            var watch = Stopwatch.StartNew();
            using var answer = await http.SendAsync(post);
            watch.Stop();
            if (answer.StatusCode != HttpStatusCode.Redirect || answer.Headers.Location?.ToString().StartsWith("/portal/postfach/", StringComparison.Ordinal) != true)
            {
                var page = await answer.Content.ReadAsStringAsync();
                var alert = Regex.Match(page, "role=\"alert\"[^>]*>(.{0,600})", RegexOptions.Singleline).Groups[1].Value;
                throw new InvalidOperationException($"POST /portal/postfach/neu: {(int)answer.StatusCode} {answer.Headers.Location} {Regex.Replace(alert, "<[^>]+>", " ")}");
            }
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"upload of a {pdf.Length / 1024.0 / 1024.0:F1} MB PDF (client time, loopback): {count} uploads, p50 {times[times.Count / 2]:F0} ms, p95 {times[(int)(times.Count * 0.95)]:F0} ms, max {times[^1]:F0} ms"));
    }

    /// <summary>A PDF of about <paramref name="size"/> bytes: one page, and the bytes of a scanned image (random, like compressed data) in a stream.</summary>
    private static byte[] Pdf(int size)
    {
        var image = new byte[size];
        new Random(4711).NextBytes(image);
        using var pdf = new MemoryStream();
        var offsets = new List<long>();
        void Write(string text) => pdf.Write(Encoding.ASCII.GetBytes(text));
        void Object(string body)
        {
            offsets.Add(pdf.Position);
            Write($"{offsets.Count} 0 obj\n{body}\nendobj\n");
        }
        Write("%PDF-1.4\n");
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>");
        const string draw = "q 595 0 0 842 0 0 cm /Im1 Do Q";
        Object($"<< /Length {draw.Length} >>\nstream\n{draw}\nendstream");
        offsets.Add(pdf.Position);
        Write($"5 0 obj\n<< /Type /XObject /Subtype /Image /Width 2480 /Height 3508 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length {size} >>\nstream\n");
        pdf.Write(image);
        Write("\nendstream\nendobj\n");
        var xref = pdf.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            Write(offset.ToString("D10", CultureInfo.InvariantCulture) + " 00000 n \n");
        }
        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return pdf.ToArray();
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

internal static class MailboxPagesCommand
{
    public static bool TryRun(string[] args, out Task run)
    {
        var ci = CultureInfo.InvariantCulture;
        // mailbox-pages-seed MESSAGES PER_SESSION (database and key ring from Pforte__… variables)
        if (args.Length == 3 && args[0] == "mailbox-pages-seed")
        {
            run = MailboxPages.SeedAsync(int.Parse(args[1], ci), int.Parse(args[2], ci));
            return true;
        }
        // mailbox-upload BASE_URL COOKIES_FILE COUNT MEGABYTES
        if (args.Length == 5 && args[0] == "mailbox-upload")
        {
            run = MailboxPages.UploadAsync(args[1], args[2], int.Parse(args[3], ci), int.Parse(args[4], ci));
            return true;
        }
        run = Task.CompletedTask;
        return false;
    }
}
