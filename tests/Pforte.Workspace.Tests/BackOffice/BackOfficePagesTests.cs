using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.BackOffice;

/// <summary>The back office's pages in Chromium on both databases, axe clean, with their error states.</summary>
public sealed class BackOfficePagesTests(Chromium chromium)
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Back_office_pages_open_refuse_bad_input_and_render_sample_letters(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var page = await host.NewPageAsync();
        var staff = await host.SignInAsync(page, StaffRoles.BackOffice);

        // Letters QA: every kind listed, a sample is a PDF, recorded.
        await page.GotoAsync("/arbeitsplatz/backoffice/musterbriefe");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-samples-{provider}");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("main a[href*='art=code-first']"));
        var pdf = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);

        // Returned mail: a mistyped id and an unknown letter, each refused at the field.
        await page.GotoAsync("/arbeitsplatz/backoffice/ruecklaeufer");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-returned-{provider}");
        await page.FillAsync("#briefnummer", "12345");
        await page.ClickAsync("main form button[type=submit]");
        await Assertions.Expect(page.Locator("#briefnummer-fehler")).ToContainTextAsync("keine gültige Kennung");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-returned-error-{provider}");
        await page.FillAsync("#briefnummer", "0f8fad5bd9cb469fa16570867728950e");
        await page.ClickAsync("main form button[type=submit]");
        await Assertions.Expect(page.Locator("#briefnummer-fehler")).ToBeVisibleAsync();

        // Batch re-issue: the confirmation is required.
        await page.GotoAsync("/arbeitsplatz/backoffice/stapel");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-batch-{provider}");
        await page.FillAsync("#stapelnummer", "0f8fad5bd9cb469fa16570867728950e");
        await page.ClickAsync("main form button[type=submit]");
        await Assertions.Expect(page.Locator("#bestaetigt-fehler")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-bo-batch-error-{provider}");
        await page.CheckAsync("#bestaetigt");
        await page.ClickAsync("main form button[type=submit]");
        await Assertions.Expect(page.Locator("#stapelnummer-fehler")).ToBeVisibleAsync();

        // Inboxes (empty).
        await page.GotoAsync("/arbeitsplatz/backoffice/postfach");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Keine Vorgänge.");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-mailbox-{provider}");
        await page.GotoAsync("/arbeitsplatz/backoffice/kontaktformular");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Keine Eingänge.");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-contact-{provider}");

        var records = await host.AuditAsync();
        Assert.Contains(records, e => e.Action == AuditAction.LetterSampleRendered && e.ActorId == staff.ActorId && e.Channel == "backoffice");
    }
}
