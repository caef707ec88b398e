using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Portal.Tests.Accounts;
using Pforte.Testing;

namespace Pforte.Portal.Tests.EndToEnd;

/// <summary>
/// Issue 12, "done when": tried as a new user would, in Chromium — register with the code from an exported letter,
/// with a passkey as second factor; sign out and in again with the passkey alone; change the code (a weak one is
/// refused with its reason); change the address (two letters queued); see all of it in the history. Every page and
/// state on the way passes axe (WCAG 2.1 AA) at desktop width and at 320 px.
/// </summary>
public sealed class NewUserJourneyTests(Chromium chromium)
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_new_user_registers_with_the_letter_code_and_a_passkey_changes_code_and_address_and_sees_it_all_in_the_history(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var (kvnr, card) = await LetterRegistrationTests.PersonAsync(host, 71);
        await using (var scope = host.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<IssueDueCodes>().ExecuteAsync(BerlinCalendar.Today(TimeProvider.System), AuditContext.System("test"), kasseId: host.Kasse.Id);
        }
        var letterText = await LetterRegistrationTests.ExportAndReadAsync(host);
        var code = LetterRegistrationTests.CodeInLetter().Match(letterText).Groups[1].Value;
        Assert.Matches("^[0-9]{4}$", code);

        var page = await chromium.NewPageAsync(host);
        PortalSignIn.Patient(page);
        await PortalSignIn.AddVirtualAuthenticatorAsync(page);
        var step = 0;
        async Task Check(string name) => await PageChecks.AssertGoodAsync(page, $"journey-{provider}-{++step:D2}-{name}");

        // Start page → "Konto anlegen": KVNR, card, the code from the letter.
        await page.GotoAsync("/portal");
        await Check("start");
        await page.ClickAsync("a[href='/portal/konto/anlegen']");
        await Check("register");
        await page.FillAsync("#kvnr", kvnr);
        await page.FillAsync("#karte", card);
        await page.FillAsync("#code", code);
        await PortalSignIn.SubmitAsync(page);
        await page.WaitForURLAsync("**/portal/konto/zugangsdaten");
        await Check("credentials");
        await page.FillAsync("#benutzername", "neu.versichert");
        await page.FillAsync("#passwort", PortalSignIn.DefaultPassword);
        await page.FillAsync("#passwort2", PortalSignIn.DefaultPassword);
        await PortalSignIn.SubmitAsync(page);
        await page.WaitForURLAsync("**/portal/konto/faktor");
        await Check("second-factor");
        await page.ClickAsync("#passkey-anlegen");
        await page.WaitForURLAsync(url => !url.Contains("/portal/konto/faktor", StringComparison.Ordinal));
        await Check("registered");

        // Sign out, then in again with the passkey alone.
        await PortalSignIn.SubmitAsync(page, "form.pforte-signout button");
        await page.GotoAsync("/portal/anmelden");
        await Check("sign-in");
        await page.ClickAsync("#passkey-anmelden");
        await page.WaitForURLAsync(url => !url.Contains("/portal/anmelden", StringComparison.Ordinal));

        // The code: a high-value page asks for the second factor again (the passkey), then a weak code is refused
        // with its reason, a good one taken.
        await page.GotoAsync("/portal/code");
        await page.WaitForURLAsync("**/portal/anmelden/bestaetigen**");
        await Check("step-up");
        await page.ClickAsync("#passkey-bestaetigen");
        await page.WaitForURLAsync("**/portal/code");
        await Check("code");
        await page.FillAsync("#currentCode", code);
        await page.FillAsync("#newCode", "1234");
        await page.ClickAsync("#aendern ~ form button[type=submit]");
        Assert.Contains("zu leicht zu erraten", await page.InnerTextAsync("#newCode-fehler"), StringComparison.Ordinal);
        await Check("code-weak");
        var newCode = code == "6274" ? "6284" : "6274";
        await page.FillAsync("#currentCode", code);
        await page.FillAsync("#newCode", newCode);
        await page.ClickAsync("#aendern ~ form button[type=submit]");
        await page.WaitForURLAsync("**/portal/code?erledigt=geaendert");
        await Check("code-changed");

        // The address, from today: a confirmation letter to the new and to the old address.
        await page.GotoAsync("/portal/daten/anschrift");
        await Check("address");
        await page.FillAsync("#street", "Am Grün");
        await page.FillAsync("#houseNumber", "12 b");
        await page.FillAsync("#postalCode", "60311");
        await page.FillAsync("#city", "Frankfurt am Main");
        await page.FillAsync("#effectiveOn", BerlinCalendar.Today(TimeProvider.System).ToString("dd.MM.yyyy", TextSet.German));
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/portal/daten/anschrift", StringComparison.Ordinal));
        await Check("address-changed");

        // The history tells all of it, newest first.
        await page.GotoAsync("/portal/verlauf");
        await Check("history");
        var history = await page.InnerTextAsync("main");
        Assert.Contains(Texts.History["Action.AddressChanged"], history, StringComparison.Ordinal);
        Assert.Contains(Texts.History["Action.CodeChanged"], history, StringComparison.Ordinal);
        Assert.Contains(Texts.History["Action.CodeChangeRefused"], history, StringComparison.Ordinal);
        Assert.Contains(Texts.History["Action.PortalLoginRecorded"], history, StringComparison.Ordinal);
        Assert.Contains(Texts.History["Action.PortalAccountRegistered"], history, StringComparison.Ordinal);
        // The person did all of it: no entry of the journey reads as done by staff.
        Assert.DoesNotContain(Texts.History["ActorStaff"], history, StringComparison.Ordinal);
        Assert.DoesNotContain(code, history, StringComparison.Ordinal);
        Assert.DoesNotContain(newCode, history, StringComparison.Ordinal);

        await using var db = host.NewContext();
        var person = await db.InsuredPersons.AsNoTracking().SingleAsync(p => p.Kvnr == kvnr, TestContext.Current.CancellationToken);
        Assert.Equal("Am Grün", person.Street);
        var addressLetters = await db.Letters.AsNoTracking()
            .Where(l => l.PersonId == person.Id && l.Kind == LetterKinds.AddressChanged && l.ExportedAt == null).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, addressLetters.Count);
        Assert.Contains(addressLetters, l => l.Street == "Am Grün");
        Assert.Contains(addressLetters, l => l.Street != "Am Grün");
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.SubjectPersonId == person.Id && e.Action == AuditAction.PortalLoginRecorded
            && e.Details!.Contains("\"factors\":\"passkey\""), TestContext.Current.CancellationToken));
    }
}
