using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Pforte.Core;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Benchmarks;

/// <summary>
/// Benchmark set-up for the portal (bench/portal): picks <c>sessions</c> random insured persons, gives each a
/// history of <c>entries</c> audit entries spread over two years (the mix of a busy person: code checks by phone and
/// portal, failed attempts, logins, letters, changes) and two dozen letters, then registers each one **through the
/// portal's own pages over HTTP** (code, user name and password, authenticator app) and writes the session cookie
/// the last step sets, one per line, for the load generator. The known code is set the way a handed-over letter
/// leaves it; nothing of this runs on a production machine.
/// </summary>
internal static partial class PortalSeed
{
    private const string Password = "Benchmark-Passwort-2026!";

    public static async Task RunAsync(string baseUrl, int sessions, int entries, string cookiesFile)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPforteCore(configuration);
        await using var provider = services.BuildServiceProvider();
        var random = new Random(20261205);

        List<(Guid Id, Guid KasseId, string Kvnr, string Card)> persons;
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            var candidates = await db.HealthCards.AsNoTracking().Where(c => c.EndedAt == null)
                .Join(db.InsuredPersons.Where(p => p.InsuranceEnd == null && p.DeceasedOn == null), c => c.PersonId, p => p.Id, (c, p) => new { p.Id, p.KasseId, p.Kvnr, c.CardNumber })
                .ToListAsync();
            persons = [.. candidates.OrderBy(_ => random.Next()).Take(sessions).Select(c => (c.Id, c.KasseId, c.Kvnr, c.CardNumber))];
        }
        var started = DateTimeOffset.UtcNow;
        foreach (var person in persons)
        {
            await SeedHistoryAsync(provider, person.Id, person.KasseId, person.Kvnr, entries, random);
        }
        Console.WriteLine($"history: {persons.Count} × {entries} audit entries and letters in {(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s");

        started = DateTimeOffset.UtcNow;
        await using var output = new StreamWriter(cookiesFile);
        var n = 0;
        foreach (var person in persons)
        {
            await using (var scope = provider.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
                var hash = scope.ServiceProvider.GetRequiredService<CodeHasher>().Hash(person.Id, "4826");
                var row = await db.AuthCodes.FindAsync(person.Id) ?? db.AuthCodes.Add(new AuthCode { PersonId = person.Id, KasseId = person.KasseId }).Entity;
                row.State = AuthCodeState.Active;
                row.CodeHash = hash.Hash;
                row.KeyVersion = hash.KeyVersion;
                row.Failures = 0;
                row.StateSince = DateTimeOffset.UtcNow;
                row.Reason = AuthCodeReasons.FirstIssue;
                await db.SaveChangesAsync();
            }
            var cookie = await RegisterAsync(baseUrl, person.Kvnr, person.Card, "4826", $"bench{n++:D3}{random.Next(1000, 9999)}");
            await output.WriteLineAsync(cookie);
        }
        Console.WriteLine($"accounts: {persons.Count} registered through the portal in {(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s");
    }

    private static async Task SeedHistoryAsync(ServiceProvider provider, Guid personId, Guid kasseId, string kvnr, int entries, Random random)
    {
        var clock = new SteppingClock(DateTimeOffset.UtcNow.AddDays(-730));
        var step = TimeSpan.FromDays(729) / Math.Max(1, entries);
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var audit = new AuditLog(db, clock);
        var letterCount = 0;
        for (var done = 0; done < entries;)
        {
            await using var transaction = await db.BeginWriteAsync();
            for (var i = 0; i < 500 && done < entries; i++, done++)
            {
                clock.Now += step * (0.5 + random.NextDouble());
                var roll = random.Next(100);
                var channel = roll % 2 == 0 ? "phone" : "portal";
                var context = new AuditContext(ActorKind.Client, "client:bench", Channel: channel, SourceIp: "10.1." + random.Next(256) + "." + random.Next(256));
                AuditEvent auditEvent = roll switch
                {
                    < 45 => new(AuditAction.CodeVerified, AuditOutcome.Success, personId, kvnr, Details: $"{{\"authentication\":\"{Guid.CreateVersion7()}\",\"level\":\"substantiell\"}}"),
                    < 55 => new(AuditAction.CodeVerificationFailed, AuditOutcome.Failure, personId, kvnr, ReasonCode: "PF-MA-001", Details: "{\"failures\":1}"),
                    < 85 => new(AuditAction.PortalLoginRecorded, AuditOutcome.Success, personId, kvnr, Details: $"{{\"authentication\":\"{Guid.CreateVersion7()}\",\"level\":\"substantiell\",\"factors\":\"password,totp\",\"portal_session\":\"{Guid.NewGuid():N}\"}}"),
                    < 93 => new(AuditAction.LetterQueued, AuditOutcome.Success, personId, kvnr, Details: $"{{\"letter\":\"{Guid.CreateVersion7()}\",\"kind\":\"address-changed\"}}"),
                    < 98 => new(AuditAction.AddressChanged, AuditOutcome.Success, personId, kvnr),
                    _ => new(AuditAction.CodeChanged, AuditOutcome.Success, personId, kvnr, Details: "{\"channel\":\"portal\"}"),
                };
                await audit.AppendAsync(kasseId, context, auditEvent);
                if (roll is >= 85 and < 93 && letterCount++ < 24)
                {
                    db.Letters.Add(new OutboxLetter
                    {
                        Id = Guid.CreateVersion7(), KasseId = kasseId, PersonId = personId, Kind = LetterKinds.AddressChanged, Kvnr = kvnr,
                        FamilyName = "Bench", GivenName = "Person", Street = "Hauptstraße", HouseNumber = "1", PostalCode = "60311", City = "Frankfurt am Main", Country = "DE",
                        QueuedAt = clock.Now, ExportedAt = clock.Now.AddHours(2), BatchId = Guid.CreateVersion7(),
                    });
                }
            }
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>"Konto anlegen" through the pages, as a browser would; returns the cookies of the signed-in session.</summary>
    private static async Task<string> RegisterAsync(string baseUrl, string kvnr, string card, string code, string userName)
    {
        var jar = new Dictionary<string, string>(StringComparer.Ordinal);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };

        var page = await GetAsync(http, jar, "/portal/konto/anlegen");
        await PostAsync(http, jar, "/portal/konto/anlegen", page, new() { ["Kvnr"] = kvnr, ["CardNumber"] = card, ["Code"] = code }, "/portal/konto/zugangsdaten");
        page = await GetAsync(http, jar, "/portal/konto/zugangsdaten");
        await PostAsync(http, jar, "/portal/konto/zugangsdaten", page, new() { ["UserName"] = userName, ["Password"] = Password, ["PasswordRepeat"] = Password }, "/portal/konto/faktor");
        page = await GetAsync(http, jar, "/portal/konto/faktor");
        var key = KeyPattern().Match(page) is { Success: true } k ? k.Groups[1].Value.Replace(" ", "", StringComparison.Ordinal) : throw new InvalidOperationException("no authenticator key on the page");
        var totp = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);
        await PostAsync(http, jar, "/portal/konto/faktor", page, new() { ["TotpCode"] = totp }, null);
        return string.Join("; ", jar.Select(c => c.Key + "=" + c.Value));
    }

    private static async Task<string> GetAsync(HttpClient http, Dictionary<string, string> jar, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(http, jar, request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
        }
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task PostAsync(HttpClient http, Dictionary<string, string> jar, string path, string formPage, Dictionary<string, string> fields, string? expectedRedirect)
    {
        fields["__af"] = TokenPattern().Match(formPage) is { Success: true } t ? WebUtility.HtmlDecode(t.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token on " + path);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        using var response = await SendAsync(http, jar, request);
        var location = response.Headers.Location?.ToString();
        if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.SeeOther && response.StatusCode != HttpStatusCode.Found
            || (expectedRedirect is not null && location != expectedRedirect))
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} → {location}");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Dictionary<string, string> jar, HttpRequestMessage request)
    {
        if (jar.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => c.Key + "=" + c.Value)));
        }
        var response = await http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                var pair = cookie.Split(';', 2)[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                if (value.Length == 0 || cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    jar.Remove(name);
                }
                else
                {
                    jar[name] = value;
                }
            }
        }
        return response;
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("id=\"schluessel\">([^<]+)<")]
    private static partial Regex KeyPattern();

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

internal static class PortalSeedCommand
{
    public static bool TryRun(string[] args, out Task run)
    {
        // dotnet Pforte.Benchmarks.dll portal-seed BASE_URL SESSIONS ENTRIES COOKIES_FILE (database from Pforte__… variables)
        if (args.Length == 5 && args[0] == "portal-seed")
        {
            run = PortalSeed.RunAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), args[4]);
            return true;
        }
        run = Task.CompletedTask;
        return false;
    }
}
