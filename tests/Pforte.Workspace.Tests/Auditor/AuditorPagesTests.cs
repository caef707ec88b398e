using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Persistence;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Auditor;

/// <summary>
/// The auditor's pages end to end in Chromium, on SQLite and PostgreSQL: search (form, results, error, keyboard),
/// CSV export read back, chain verification, alarms with the SVG chart parsed — axe clean at 1280 and 320 px.
/// </summary>
public sealed class AuditorPagesTests(Chromium chromium)
{
    /// <summary>Five failed verifications about one person in the last minutes, and a spraying alarm.</summary>
    internal static async Task SeedAsync(WorkspaceHost host)
    {
        await using var scope = host.Scope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        await using var tx = await db.BeginWriteAsync();
        for (var i = 0; i < 5; i++)
        {
            await audit.AppendAsync(host.Kasse.Id, new AuditContext(ActorKind.Client, "client:ivr", "phone", SourceCallerId: "+4969123456"),
                new AuditEvent(AuditAction.CodeVerificationFailed, AuditOutcome.Failure, SubjectKvnr: TestData.Kvnr(1), ReasonCode: "wrong-code"));
        }
        await audit.AppendAsync(host.Kasse.Id, AuditContext.System("client-spray-monitor"), new AuditEvent(AuditAction.ClientSprayAlarm, AuditOutcome.Info,
            ReasonCode: "client-spray", Details: "{\"client\":\"ivr\",\"failures\":140,\"accounts\":120}"));
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Auditor_searches_exports_verifies_the_chain_and_sees_the_alarms(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        await SeedAsync(host);
        var page = await host.NewPageAsync();
        var auditor = await host.SignInAsync(page, StaffRoles.Auditor);
        await Assertions.Expect(page.Locator("nav.pforte-ws-nav")).ToContainTextAsync("Protokollsuche");

        await page.GotoAsync("/arbeitsplatz/pruefung/suche");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Protokollsuche");
        await PageChecks.AssertGoodAsync(page, $"ws-audit-search-{provider}");

        // By keyboard: the form is filled, Tab reaches the button, Enter searches.
        await page.FillAsync("#kvnr", TestData.Kvnr(1));
        await page.SelectOptionAsync("#ereignis", "2003");
        await PageChecks.TabToAsync(page, "main form button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("suchen=1"));
        await Assertions.Expect(page.Locator("main table tbody tr")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("main table")).ToContainTextAsync("CodeVerificationFailed");
        await PageChecks.AssertGoodAsync(page, $"ws-audit-search-results-{provider}");

        // The CSV of the same search: BOM, German headers, the five entries.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("text=Diese Suche als CSV herunterladen"));
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', ExportAuditTrail.Headers), lines[0]);
        Assert.Equal(5, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains($",{TestData.Kvnr(1)},phone,2003,CodeVerificationFailed,Failure,wrong-code,", l, StringComparison.Ordinal));

        // A wrong field: the error at the field and in the summary, nothing found.
        await page.GotoAsync("/arbeitsplatz/pruefung/suche?suchen=1&kvnr=A12&von=gestern");
        await Assertions.Expect(page.Locator("#kvnr-fehler")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main table")).ToHaveCountAsync(0);
        await PageChecks.AssertGoodAsync(page, $"ws-audit-search-error-{provider}");

        // Chain verification with its result.
        await page.GotoAsync("/arbeitsplatz/pruefung/kette");
        await PageChecks.AssertGoodAsync(page, $"ws-audit-chain-{provider}");
        await page.ClickAsync("text=Kette jetzt prüfen");
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("Die Kette ist intakt.");
        await PageChecks.AssertGoodAsync(page, $"ws-audit-chain-intact-{provider}");

        // Alarms and the chart: the SVG is well formed, titled, and shows the five failures of this minute.
        await page.GotoAsync("/arbeitsplatz/pruefung/alarme");
        await Assertions.Expect(page.Locator("main table").First).ToContainTextAsync("Sprühangriff");
        var svg = XDocument.Parse(await page.Locator("svg#fehlversuche").EvaluateAsync<string>("e => e.outerHTML"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal("img", (string?)svg.Root!.Attribute("role"));
        Assert.StartsWith("Fehlgeschlagene Code-Prüfungen", svg.Root.Element(ns + "title")!.Value, StringComparison.Ordinal);
        Assert.Contains("5 Fehlversuche", svg.Root.Element(ns + "desc")!.Value, StringComparison.Ordinal);
        Assert.Single(svg.Descendants(ns + "g").Single(g => (string?)g.Attribute("class") == "pf-chart-bars").Elements(ns + "rect"));
        await PageChecks.AssertGoodAsync(page, $"ws-audit-alarms-{provider}");

        var records = await host.AuditAsync();
        Assert.Contains(records, e => e.Action == AuditAction.AuditSearchedByStaff && e.ActorId == auditor.ActorId && e.SubjectKvnr == TestData.Kvnr(1));
        Assert.Contains(records, e => e.Action == AuditAction.AuditExportedByStaff && e.ActorId == auditor.ActorId);
        Assert.Contains(records, e => e.Action == AuditAction.AuditChainVerified && e.ActorId == auditor.ActorId && e.Outcome == AuditOutcome.Success);
        Assert.Contains(records, e => e.Action == AuditAction.AuditAlarmsViewed && e.ActorId == auditor.ActorId);
    }
}
