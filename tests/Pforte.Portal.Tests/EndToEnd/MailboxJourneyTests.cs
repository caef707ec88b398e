using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Notices;
using Pforte.Portal.Tests.Accounts;
using Pforte.Portal.Tests.SelfService;
using Pforte.Testing;

namespace Pforte.Portal.Tests.EndToEnd;

/// <summary>
/// Issue 13, "done when": tried as a new user would — a signed-in person writes to the Kasse with a PDF attached, a
/// staff reply arrives through the API, the person gets an e-mail that says only that something is new (a real SMTP
/// conversation), reads the reply in the portal; someone without an account sends the contact form and gets a receipt
/// number. Every page and state axe-clean at desktop width and 320 px, on SQLite and PostgreSQL.
/// </summary>
public sealed partial class MailboxJourneyTests(Chromium chromium)
{
    private const string Question = "Guten Tag, ich brauche eine Mitgliedsbescheinigung für meinen neuen Arbeitgeber. Anbei das Schreiben.";
    private const string Answer = "Die Mitgliedsbescheinigung ist heute an Ihren Arbeitgeber gegangen. Eine Kopie liegt bei.";

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_writes_with_a_PDF_gets_a_content_free_notice_of_the_staff_reply_reads_it_and_a_visitor_uses_the_contact_form(string provider)
    {
        await using var smtp = InProcessSmtp.Start();
        var settings = new Dictionary<string, string?>(smtp.Settings)
        {
            ["Pforte:Notices:Delay"] = "00:00:00",
            ["Pforte:Portal:PublicBaseUrl"] = "https://meine.kasse.example/portal",
            ["Pforte:ContactForm:MinimumFillTime"] = "00:00:01",
        };
        await using var host = await PortalHost.StartAsync(provider, settings);
        var person = await SelfServiceArrange.AddPersonAsync(host);
        var page = await SignedIn.PageAsync(chromium, host, person);
        var step = 0;
        async Task Check(IPage p, string name) => await PageChecks.AssertGoodAsync(p, $"mailbox-journey-{provider}-{++step:D2}-{name}");

        // An address for notices, confirmed by its link (double opt-in).
        await page.GotoAsync("/portal/daten/email");
        await page.FillAsync("#address", "hanna.notiz@example.de");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/portal/daten?erledigt=email");
        var link = (Assert.Single(smtp.Received()).TextBody ?? "").Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(host.BaseUrl, StringComparison.Ordinal));
        await page.GotoAsync(link);
        await page.ClickAsync("main button[type=submit]");

        // Write to the Kasse with a PDF.
        await page.GotoAsync("/portal/uebersicht");
        await page.ClickAsync("nav.pforte-nav a[href='/portal/postfach']");
        await Check(page, "inbox-empty");
        await page.ClickAsync("a[href='/portal/postfach/neu']");
        await page.SelectOptionAsync("#thema", "insurance-status");
        await page.FillAsync("#betreff", "Mitgliedsbescheinigung für den Arbeitgeber");
        await page.FillAsync("#nachricht", Question);
        await page.SetInputFilesAsync("#anhaenge", new FilePayload { Name = "Schreiben Arbeitgeber.pdf", MimeType = "application/pdf", Buffer = TestFiles.Pdf("Arbeitgeber") });
        await Check(page, "compose-filled");
        await PortalSignIn.SubmitAsync(page, "main form[method=post] button[type=submit]");
        var threadId = ThreadUrl().Match(page.Url).Groups[1].Value;
        Assert.True(Guid.TryParse(threadId, out _), page.Url);
        Assert.Contains("Schreiben Arbeitgeber.pdf", await page.InnerTextAsync("main"));
        await Check(page, "sent");

        // The back office answers through the staff API.
        string key;
        await using (var scope = host.Scope())
        {
            key = (await scope.ServiceProvider.GetRequiredService<CreateApiClient>().ExecuteAsync(host.Kasse.Id, "arbeitsplatz", ["staff"], AuditContext.System("test"))).Value.Key;
        }
        using var api = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var inbox = await api.GetFromJsonAsync<JsonObject>("/api/v1/mailbox/teams/insurance-status/threads");
        Assert.Contains(inbox!["items"]!.AsArray(), t => (string?)t!["id"] == threadId);
        var opened = await api.GetFromJsonAsync<JsonObject>($"/api/v1/mailbox/threads/{threadId}?staffId=bo-4711");
        Assert.Equal(Question, (string?)opened!["messages"]![0]!["body"]);
        var reply = await api.PostAsJsonAsync($"/api/v1/mailbox/threads/{threadId}/replies", new
        {
            staffId = "bo-4711",
            body = Answer,
            files = new[] { new { fileName = "Kopie Mitgliedsbescheinigung.pdf", content = Convert.ToBase64String(TestFiles.Pdf("Mitgliedsbescheinigung")) } },
        });
        Assert.True(reply.IsSuccessStatusCode, await reply.Content.ReadAsStringAsync());

        // The notice: one e-mail to the confirmed address that says only that something is new.
        await using (var scope = host.Scope())
        {
            var run = await scope.ServiceProvider.GetRequiredService<SendMailboxNotices>().ExecuteAsync();
            Assert.Equal(1, run.Sent);
        }
        var notice = smtp.Received()[^1];
        Assert.Equal("hanna.notiz@example.de", notice.To.Mailboxes.Single().Address);
        var mail = (notice.Subject ?? "") + "\n" + (notice.TextBody ?? "") + (notice.HtmlBody ?? "");
        Assert.Contains("https://meine.kasse.example/portal", mail);
        Assert.Contains("fragt Sie per E-Mail nie nach Codes, Passwörtern oder Bankdaten", mail, StringComparison.Ordinal);
        foreach (var secret in new[] { person.GivenName, person.FamilyName, person.Kvnr, "Mitgliedsbescheinigung", "Arbeitgeber", threadId, Answer[..20] })
        {
            Assert.DoesNotContain(secret, mail, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotMatch("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", mail);

        // The person reads the reply in the portal.
        await page.GotoAsync("/portal/postfach");
        Assert.Contains("1 ungelesen", await page.InnerTextAsync("main"));
        await Check(page, "inbox-unread");
        await page.ClickAsync($"a[href='/portal/postfach/{threadId}']");
        Assert.Contains(Answer, await page.InnerTextAsync("main"));
        Assert.Contains("Kopie Mitgliedsbescheinigung.pdf", await page.InnerTextAsync("main"));
        await Check(page, "reply-read");
        await page.GotoAsync("/portal/postfach");
        Assert.Contains("Keine ungelesenen Nachrichten", await page.InnerTextAsync("main"));

        // Someone without an account uses the contact form and gets a receipt number.
        var visitor = await chromium.NewPageAsync(host);
        await visitor.GotoAsync("/portal");
        await visitor.ClickAsync("a[href='/portal/kontakt']");
        await Check(visitor, "contact-form");
        await Pforte.Portal.Tests.ContactForm.ContactFormPageTests.FillAsync(visitor, "Meine Gesundheitskarte ist gebrochen. Bitte schicken Sie mir eine neue.");
        await Task.Delay(1100);
        await visitor.ClickAsync("main button[type=submit]");
        await visitor.WaitForURLAsync("**/portal/kontakt?nummer=KF-*");
        Assert.Matches("^KF-2[0-9]{3}-[0-9A-Z]{4}-[0-9A-Z]{4}$", (await visitor.InnerTextAsync("#vorgangsnummer")).Trim());
        await Check(visitor, "contact-receipt");
    }

    [GeneratedRegex("/portal/postfach/([0-9a-f-]{36})")]
    private static partial Regex ThreadUrl();
}
