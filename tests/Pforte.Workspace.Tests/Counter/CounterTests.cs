using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Testing;
using Pforte.Workspace.Tests.Caller;

namespace Pforte.Workspace.Tests.Counter;

/// <summary>The counter (issue 14, item 3): identification with a photo ID, guidance, address change in person.</summary>
public sealed class CounterTests(Chromium chromium)
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_counter_identifies_the_person_and_changes_the_address_with_the_letters(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var person = await AgentData.AddPersonAsync(host);
        var page = await host.NewPageAsync();
        var staff = await host.SignInAsync(page, StaffRoles.Counter);
        await page.GotoAsync("/arbeitsplatz/schalter");
        await PageChecks.AssertGoodAsync(page, $"ws-counter-empty-{provider}");

        await PageChecks.TabToAsync(page, "#suche-kvnr");
        await page.Keyboard.TypeAsync(person.Kvnr);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#authentifizierung")).ToContainTextAsync("Noch nicht authentifiziert");
        await Assertions.Expect(page.Locator("tr[data-kind=address-change] td").First).ToHaveTextAsync("Nein");
        await PageChecks.AssertGoodAsync(page, $"ws-counter-card-{provider}");

        // The address cannot be changed before identification.
        await page.FillAsync("#strasse", "Am Markt");
        await page.FillAsync("#hausnummer", "7");
        await page.FillAsync("#plz", "35037");
        await page.FillAsync("#ort", "Marburg");
        await page.FillAsync("#gueltig-ab", DateTime.UtcNow.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("form[action*='handler=Address'] button[type=submit]");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Das ist jetzt nicht möglich");
        await PageChecks.AssertGoodAsync(page, $"ws-counter-address-refused-{provider}");

        // Identification: a wrong number format names its field; then the photo ID.
        await page.SelectOptionAsync("#ausweis-art", "reisepass");
        await page.FillAsync("#ausweis-nummer", "12");
        await page.ClickAsync("form[action*='handler=Identify'] button[type=submit]");
        await Assertions.Expect(page.Locator("#ausweis-nummer-fehler")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-counter-identify-error-{provider}");
        await page.SelectOptionAsync("#ausweis-art", "personalausweis");
        await page.FillAsync("#ausweis-nummer", "L01X");
        await page.CheckAsync("#lichtbild");
        await page.ClickAsync("form[action*='handler=Identify'] button[type=submit]");
        await Assertions.Expect(page.Locator("#authentifizierung")).ToContainTextAsync("Verifiziert, Niveau hoch");
        await Assertions.Expect(page.Locator("#authentifizierung")).ToContainTextAsync("mit Lichtbildausweis");
        await Assertions.Expect(page.Locator("tr[data-kind=address-change] td").First).ToHaveTextAsync("Ja");
        await PageChecks.AssertGoodAsync(page, $"ws-counter-identified-{provider}");

        await page.FillAsync("#strasse", "Am Markt");
        await page.FillAsync("#hausnummer", "7");
        await page.FillAsync("#plz", "35037");
        await page.FillAsync("#ort", "Marburg");
        await page.FillAsync("#gueltig-ab", DateTime.UtcNow.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("form[action*='handler=Address'] button[type=submit]");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Anschrift geändert");
        await PageChecks.AssertGoodAsync(page, $"ws-counter-address-changed-{provider}");
        AgentData.AssertNoSecrets(await page.ContentAsync(), person, "counter");

        var audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.InPersonAuthenticated && e.SubjectPersonId == person.Id && e.ActorKind == ActorKind.Staff);
        Assert.Contains(audit, e => e.Action == AuditAction.AddressChanged && e.SubjectPersonId == person.Id && e.Channel == "in-person");
        await AgentData.AssertNoClientAsync(host, person.Id, staff.ActorId);
    }
}
