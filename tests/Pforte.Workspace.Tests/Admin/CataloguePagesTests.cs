using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Admin;

/// <summary>The admin's channel catalogue and Beratungscenter list, in Chromium on both databases, axe clean.</summary>
public sealed class CataloguePagesTests(Chromium chromium)
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Admin_sees_the_channel_catalogue_and_keeps_the_Beratungscenter_list(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var page = await host.NewPageAsync();
        var admin = await host.SignInAsync(page, StaffRoles.Admin);

        await page.GotoAsync("/arbeitsplatz/verwaltung/kanaele");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Kanalkatalog");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Telefon");
        await PageChecks.AssertGoodAsync(page, $"ws-admin-channels-{provider}");

        await page.GotoAsync("/arbeitsplatz/verwaltung/beratungscenter");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Noch kein Beratungscenter eingetragen.");
        await PageChecks.AssertGoodAsync(page, $"ws-admin-branches-empty-{provider}");

        // Bad input: refused at its field, nothing stored.
        await page.FillAsync("#name", "Beratungscenter Mitte");
        await page.FillAsync("#strasse", "Zeil");
        await page.FillAsync("#hausnummer", "1");
        await page.FillAsync("#plz", "6031");
        await page.FillAsync("#ort", "Frankfurt am Main");
        await page.FillAsync("#zeiten", "Mo–Fr 8–18 Uhr");
        await page.ClickAsync("main button:has-text('Hinzufügen')");
        await Assertions.Expect(page.Locator("#plz-fehler")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-admin-branches-error-{provider}");
        await using (var db = host.NewContext())
        {
            Assert.Equal(0, await db.Branches.CountAsync());
        }

        await page.FillAsync("#plz", "60311");
        await page.ClickAsync("main button:has-text('Hinzufügen')");
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("„Beratungscenter Mitte“ wurde hinzugefügt.");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Zeil 1, 60311 Frankfurt am Main");
        await PageChecks.AssertGoodAsync(page, $"ws-admin-branches-added-{provider}");

        await page.ClickAsync("main a:has-text('Bearbeiten')");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Beratungscenter bearbeiten");
        await page.FillAsync("#zeiten", "Mo–Do 8–18 Uhr\nFr 8–14 Uhr");
        await page.ClickAsync("main button:has-text('Speichern')");
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("wurde gespeichert");
        await PageChecks.AssertGoodAsync(page, $"ws-admin-branch-edit-{provider}");

        await page.GotoAsync("/arbeitsplatz/verwaltung/beratungscenter");
        await page.ClickAsync("main form button:has-text('Entfernen')");
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("wurde entfernt");

        var records = await host.AuditAsync();
        Assert.Equal([AuditAction.BranchAdded, AuditAction.BranchChanged, AuditAction.BranchRemoved],
            records.Where(e => e.ActorId == admin.ActorId && e.Action is AuditAction.BranchAdded or AuditAction.BranchChanged or AuditAction.BranchRemoved).Select(e => e.Action));
    }
}
