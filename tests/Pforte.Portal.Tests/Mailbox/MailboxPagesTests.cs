using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Mailbox;
using Pforte.Portal.Tests.Accounts;
using Pforte.Testing;

namespace Pforte.Portal.Tests.Mailbox;

/// <summary>
/// The mailbox pages in Chromium (issue 13): write with a PDF, read the Kasse's answer and download its attachment,
/// a refused attachment shown at its field, archive and back, search, electronic delivery — every state axe-clean at
/// desktop width and 320 px; someone else's thread or attachment answers exactly like one that does not exist.
/// </summary>
public sealed partial class MailboxPagesTests(Chromium chromium)
{
    /// <summary>The page's own form (not the sign-out button in the header).</summary>
    private const string Main = "main form[method=post] button[type=submit]";

    private static readonly AuditContext Staff = new(ActorKind.Staff, "staff:postfach-team-1", "back-office");

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_writes_with_a_PDF_reads_the_answer_with_its_attachment_archives_and_searches(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var (page, _) = await PortalSignIn.SignedInPageAsync(chromium, host, 31);
        var step = 0;
        async Task Check(string name) => await PageChecks.AssertGoodAsync(page, $"mailbox-{provider}-{++step:D2}-{name}");

        await page.GotoAsync("/portal/uebersicht");
        await page.ClickAsync("nav.pforte-nav a[href='/portal/postfach']");
        await page.WaitForURLAsync("**/portal/postfach");
        Assert.Contains("Hier sind noch keine Nachrichten.", await page.InnerTextAsync("main"));
        await Check("empty");

        await page.ClickAsync("a[href='/portal/postfach/neu']");
        await Check("compose");
        await page.SelectOptionAsync("#thema", "general-information");
        await page.FillAsync("#betreff", "Frage zur Familienversicherung");
        await page.FillAsync("#nachricht", "Guten Tag,\nist meine Tochter ab dem 1. Januar mitversichert?\nViele Grüße");
        await page.SetInputFilesAsync("#anhaenge", new FilePayload { Name = "geburtsurkunde.pdf", MimeType = "application/pdf", Buffer = TestFiles.Pdf("Geburtsurkunde") });
        await PortalSignIn.SubmitAsync(page, Main);
        Assert.True(ThreadUrl().IsMatch(page.Url), page.Url + ": " + await page.InnerTextAsync("main"));
        var threadId = ThreadUrl().Match(page.Url).Groups[1].Value;
        var text = await page.InnerTextAsync("main");
        Assert.Contains("Ihre Nachricht ist gesendet", text);
        Assert.Contains("ist meine Tochter ab dem 1. Januar mitversichert?", text);
        Assert.Contains("geburtsurkunde.pdf", text);
        await Check("sent");

        // The Kasse answers (the staff API's use case) with a PDF of its own.
        await using (var scope = host.Scope())
        {
            var staff = scope.ServiceProvider.GetRequiredService<StaffMailbox>();
            var replied = await staff.ReplyAsync(host.Kasse.Id, "postfach-team-1", threadId, "Ja, Ihre Tochter ist ab dem 1. Januar familienversichert. Die Bestätigung liegt bei.", null,
                [new NewFile("bestaetigung.pdf", TestFiles.Pdf("Bestaetigung"))], Staff);
            Assert.True(replied.IsSuccess, replied.Error?.ToString());
        }
        await page.GotoAsync("/portal/postfach");
        Assert.Contains("1 ungelesen", await page.InnerTextAsync("main"));
        Assert.Contains("Antwort Ihrer Kasse", await page.InnerTextAsync(".pforte-threads"));
        await Check("inbox-answered");
        await page.ClickAsync($"a[href='/portal/postfach/{threadId}']");
        Assert.Contains("familienversichert", await page.InnerTextAsync("main"));
        await Check("thread-answered");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a:has-text('bestaetigung.pdf')"));
        Assert.Equal("bestaetigung.pdf", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5));

        // A reply with a PDF that carries JavaScript: refused at the file field, the text stays, nothing is sent.
        await page.FillAsync("#nachricht", "Danke! Anbei noch ein Formular.");
        await page.SetInputFilesAsync("#anhaenge", new FilePayload { Name = "formular.pdf", MimeType = "application/pdf", Buffer = TestFiles.PdfWithJavaScript("Formular") });
        await PortalSignIn.SubmitAsync(page, "form[action$='handler=antwort'] button[type=submit]");
        Assert.Contains("JavaScript", await page.InnerTextAsync("#anhaenge-fehler"));
        Assert.Equal("Danke! Anbei noch ein Formular.", await page.InputValueAsync("#nachricht"));
        Assert.Equal(2, await page.Locator(".pforte-message").CountAsync());
        await Check("reply-refused");

        // The same reply without the file goes through (by keyboard: Tab to the button, Enter).
        await page.SetInputFilesAsync("#anhaenge", Array.Empty<FilePayload>());
        await PageChecks.TabToAsync(page, "form[action$='handler=antwort'] button[type=submit]", 80);
        await PortalSignIn.PressEnterAsync(page);
        Assert.Contains("Ihre Antwort ist gesendet", await page.InnerTextAsync("main"));
        Assert.Equal(3, await page.Locator(".pforte-message").CountAsync());

        // Archive and back.
        await PortalSignIn.SubmitAsync(page, "form[action$='handler=archiv'] button[type=submit]");
        Assert.Contains("liegt im Archiv", await page.InnerTextAsync("main"));
        await page.GotoAsync("/portal/postfach");
        Assert.Contains("Hier sind noch keine Nachrichten.", await page.InnerTextAsync("main"));
        await page.GotoAsync("/portal/postfach?archiv=true");
        Assert.Contains("Frage zur Familienversicherung", await page.InnerTextAsync(".pforte-threads"));
        await Check("archive");

        // Search in subjects and texts (encrypted at rest: the mailbox decrypts the person's own).
        await page.GotoAsync("/portal/postfach?archiv=true");
        await page.FillAsync("#suche", "familienversichert");
        await page.PressAsync("#suche", "Enter");
        await page.WaitForURLAsync("**suche=familienversichert**");
        Assert.Contains("Frage zur Familienversicherung", await page.InnerTextAsync(".pforte-threads"));
        await Check("search-hit");
        await page.FillAsync("#suche", "Zahnersatz");
        await page.PressAsync("#suche", "Enter");
        await page.WaitForURLAsync("**suche=Zahnersatz**");
        Assert.Contains("Keine Nachricht enthält „Zahnersatz“", await page.InnerTextAsync("main"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Another_persons_thread_and_attachment_answer_like_ones_that_do_not_exist(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var (owner, _) = await PortalSignIn.SignedInPageAsync(chromium, host, 41);
        await owner.GotoAsync("/portal/postfach/neu");
        await owner.SelectOptionAsync("#thema", "general-information");
        await owner.FillAsync("#betreff", "Meine private Frage");
        await owner.FillAsync("#nachricht", "Nur für mich.");
        await owner.SetInputFilesAsync("#anhaenge", new FilePayload { Name = "privat.pdf", MimeType = "application/pdf", Buffer = TestFiles.Pdf("Privat") });
        await PortalSignIn.SubmitAsync(owner, Main);
        Assert.True(ThreadUrl().IsMatch(owner.Url), owner.Url + ": " + await owner.InnerTextAsync("main"));
        var threadId = ThreadUrl().Match(owner.Url).Groups[1].Value;
        var attachmentHref = await owner.GetAttributeAsync("a:has-text('privat.pdf')", "href");
        Assert.NotNull(attachmentHref);

        var (other, _) = await PortalSignIn.SignedInPageAsync(chromium, host, 42);
        var unknown = Guid.NewGuid();
        var answers = new List<(int Status, string Text)>();
        foreach (var path in new[] { $"/portal/postfach/{threadId}", $"/portal/postfach/{unknown}", "/portal/postfach/kein-guid", attachmentHref!,
                     $"/portal/postfach/{threadId}/anhang/{unknown}", $"/portal/postfach/{unknown}/anhang/{unknown}" })
        {
            var response = await other.GotoAsync(path);
            var text = await other.InnerTextAsync("main");
            Assert.DoesNotContain("Meine private Frage", text);
            Assert.DoesNotContain("privat.pdf", text);
            answers.Add((response!.Status, text));
        }
        Assert.All(answers, a => Assert.Equal(404, a.Status));
        Assert.Single(answers.Select(a => a.Text).Distinct());
        await PageChecks.AssertGoodAsync(other, $"mailbox-{provider}-not-found");

        // A reply posted to the other person's thread changes nothing.
        var form = await other.APIRequest.PostAsync($"/portal/postfach/{threadId}?handler=antwort", new APIRequestContextOptions { MaxRedirects = 0 });
        Assert.NotEqual(200, form.Status);
        await using var scope = host.Scope();
        var staff = scope.ServiceProvider.GetRequiredService<StaffMailbox>();
        var thread = await staff.ReadAsync(host.Kasse.Id, "pruefer", threadId, Staff);
        Assert.Single(thread.Value.Messages);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_turns_electronic_delivery_on_and_off(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var (page, _) = await PortalSignIn.SignedInPageAsync(chromium, host, 51);
        await page.GotoAsync("/portal/postfach");
        await page.ClickAsync("a[href='/portal/postfach/zustellung']");
        Assert.Contains("ist ausgeschaltet", await page.InnerTextAsync("#zustellung-stand"));
        await PageChecks.AssertGoodAsync(page, $"mailbox-{provider}-delivery-off");
        await PortalSignIn.SubmitAsync(page, Main);
        Assert.Contains("Sie haben die elektronische Zustellung eingeschaltet", await page.InnerTextAsync("main") + page.Url);
        Assert.Contains("ist eingeschaltet", await page.InnerTextAsync("#zustellung-stand"));
        await PageChecks.AssertGoodAsync(page, $"mailbox-{provider}-delivery-on");
        await PortalSignIn.SubmitAsync(page, Main);
        Assert.Contains("abbestellt", await page.InnerTextAsync("main"));
        Assert.Contains("ist ausgeschaltet", await page.InnerTextAsync("#zustellung-stand"));
    }

    [Fact]
    public async Task A_file_near_the_size_limit_goes_through_and_a_form_over_the_limit_gets_the_german_413_page()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var (page, _) = await PortalSignIn.SignedInPageAsync(chromium, host, 61);
        await page.GotoAsync("/portal/postfach/neu");
        await page.SelectOptionAsync("#thema", "general-information");
        await page.FillAsync("#betreff", "Großer Scan");
        await page.FillAsync("#nachricht", "Anbei der Scan.");
        var large = TestFiles.Pdf("Scan", padding: (9 * 1024 * 1024) + 512 * 1024);
        await page.SetInputFilesAsync("#anhaenge", new FilePayload { Name = "scan.pdf", MimeType = "application/pdf", Buffer = large });
        await PortalSignIn.SubmitAsync(page, Main);
        Assert.True(ThreadUrl().IsMatch(page.Url), page.Url + ": " + await page.InnerTextAsync("main"));
        Assert.Contains("scan.pdf", await page.InnerTextAsync("main"));

        // Six files of 9.5 MB: more than five files of 10 MB may weigh — refused before the body is read.
        await page.GotoAsync("/portal/postfach/neu");
        await page.SelectOptionAsync("#thema", "general-information");
        await page.FillAsync("#betreff", "Zu viel");
        await page.FillAsync("#nachricht", "Sechs große Dateien.");
        var folder = Directory.CreateTempSubdirectory("pforte-upload-");
        var paths = Enumerable.Range(1, 6).Select(i => Path.Combine(folder.FullName, $"scan{i}.pdf")).ToList();
        paths.ForEach(path => File.WriteAllBytes(path, large));
        await page.SetInputFilesAsync("#anhaenge", paths);
        var response = page.WaitForResponseAsync(r => r.Request.Method == "POST");
        await page.ClickAsync(Main);
        Assert.Equal(413, (await response).Status);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.Contains("Das war zu viel auf einmal", await page.InnerTextAsync("main"));
        await PageChecks.AssertGoodAsync(page, "mailbox-413");
        await using var scope = host.Scope();
        var threads = await scope.ServiceProvider.GetRequiredService<Pforte.Core.Persistence.PforteDbContext>().MailboxThreads.CountAsync();
        Assert.Equal(1, threads);
        folder.Delete(recursive: true);
    }

    [GeneratedRegex("/portal/postfach/([0-9a-f-]{36})")]
    private static partial Regex ThreadUrl();
}
