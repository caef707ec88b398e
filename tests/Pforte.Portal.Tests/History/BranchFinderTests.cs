using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Portal;
using Pforte.Testing;

namespace Pforte.Portal.Tests.History;

/// <summary>The public Beratungscenter finder: every state in Chromium, axe-clean at every width, by keyboard.</summary>
public sealed class BranchFinderTests(Chromium chromium)
{
    internal static async Task AddBranchesAsync(PortalHost host)
    {
        await using var scope = host.Scope();
        var manage = scope.ServiceProvider.GetRequiredService<ManageBranches>();
        foreach (var input in new[]
                 {
                     new BranchInput("Beratungscenter Frankfurt-Mitte", "Zeil", "42", "60313", "Frankfurt am Main", ["Mo–Fr 8:00–18:00 Uhr", "Sa 9:00–12:00 Uhr"]),
                     new BranchInput("Beratungscenter Kassel", "Königsplatz", "1", "34117", "Kassel", ["Mo–Do 8:00–16:00 Uhr", "Fr 8:00–13:00 Uhr"]),
                     new BranchInput("Beratungscenter Wiesbaden", "Kirchgasse", "7", "65183", "Wiesbaden", ["Mo–Fr 9:00–17:00 Uhr"]),
                 })
        {
            Assert.True((await manage.AddAsync(host.Kasse.Id, input, AuditContext.Cli("test"), TestContext.Current.CancellationToken)).IsSuccess);
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_finder_lists_branches_with_hours_and_the_six_documents_and_narrows_by_keyboard(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        await AddBranchesAsync(host);
        var page = await chromium.NewPageAsync(host);

        // Reached from the start page without an account.
        await page.GotoAsync("/portal");
        await page.GetByRole(AriaRole.Link, new() { Name = "Ein Beratungscenter in Ihrer Nähe finden" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Beratungscenter finden");
        await Assertions.Expect(page.Locator("#ergebnis")).ToHaveTextAsync("3 Beratungscenter");
        await Assertions.Expect(page.GetByText("Sa 9:00–12:00 Uhr")).ToBeVisibleAsync();
        foreach (var document in new[] { "eGK mit Lichtbild", "Führerschein", "Personalausweis", "Reisepass", "Schwerbehindertenausweis", "Elektronischer Aufenthaltstitel" })
        {
            await Assertions.Expect(page.GetByText(document, new() { Exact = true })).ToBeVisibleAsync();
        }
        await PageChecks.AssertGoodAsync(page, $"branches-all-{provider}");

        // By keyboard only: Tab to the search field, type, Enter.
        await PageChecks.TabToAsync(page, "#suche");
        await page.Keyboard.TypeAsync("kassel");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/portal/beratungscenter?suche=kassel");
        await Assertions.Expect(page.Locator("#ergebnis")).ToHaveTextAsync("1 Beratungscenter für „kassel“");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Beratungscenter Kassel" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Beratungscenter Wiesbaden" })).ToHaveCountAsync(0);
        await PageChecks.AssertGoodAsync(page, $"branches-found-{provider}");

        await page.GotoAsync("/portal/beratungscenter?suche=60");
        await Assertions.Expect(page.Locator("#ergebnis")).ToHaveTextAsync("1 Beratungscenter für „60“");

        await page.GotoAsync("/portal/beratungscenter?suche=M%C3%BCnchen");
        await Assertions.Expect(page.GetByText("Kein Beratungscenter gefunden.", new() { Exact = false })).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"branches-none-{provider}");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Bad_searches_get_a_german_sentence_at_the_field_and_the_documents_stay(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        await AddBranchesAsync(host);
        var page = await chromium.NewPageAsync(host);

        var tooShort = await page.GotoAsync("/portal/beratungscenter?suche=6");
        Assert.Equal(400, tooShort!.Status);
        await Assertions.Expect(page.Locator(".pforte-error-summary")).ToContainTextAsync("mindestens 2 Zeichen");
        await Assertions.Expect(page.Locator("#suche")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByText("Reisepass", new() { Exact = true })).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"branches-too-short-{provider}");

        // A control character: refused with the input policy's sentence, echoed harmlessly.
        var control = await page.GotoAsync("/portal/beratungscenter?suche=Kas%1Bsel");
        Assert.Equal(400, control!.Status);
        await Assertions.Expect(page.Locator(".pforte-error-summary")).ToContainTextAsync("suche");
        await PageChecks.AssertGoodAsync(page, $"branches-bad-character-{provider}");

        // HTML in the search is text, never markup.
        await page.GotoAsync("/portal/beratungscenter?suche=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        Assert.Equal(0, await page.Locator("main script").CountAsync());
        await Assertions.Expect(page.Locator("#ergebnis")).ToContainTextAsync("<script>");
    }

    [Fact]
    public async Task Without_branches_the_finder_says_so()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal/beratungscenter");
        await Assertions.Expect(page.GetByText("noch keine Beratungscenter eingetragen", new() { Exact = false })).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, "branches-empty");
        await using var db = host.NewContext();
        Assert.Equal(0, await db.Branches.CountAsync(TestContext.Current.CancellationToken));
    }
}
