using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Testing;
using Pforte.Testing.Accounts;

namespace Pforte.Portal.Tests.Accounts;

/// <summary>Passkeys with Chromium's virtual authenticator (DevTools WebAuthn domain) on http://localhost.</summary>
public sealed class PasskeyTests(Chromium chromium)
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_registers_with_a_passkey_and_signs_in_with_it_alone(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var person = await AccountTestData.PersonWithCodeAsync(host.Services, host.Kasse.Id, 21);
        var page = await chromium.NewPageAsync(host);
        await PortalSignIn.AddVirtualAuthenticatorAsync(page);

        await PortalSignIn.RegisterUpToSecondFactorAsync(page, person, "passkey.person");
        await Assertions.Expect(page.Locator("#passkey-anlegen")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"register-3-passkey-{provider}");
        await page.ClickAsync("#passkey-anlegen");
        await page.WaitForURLAsync(url => !url.Contains("/portal/konto/faktor", StringComparison.Ordinal));

        await page.GotoAsync("/portal/konto/sicherheit");
        await Assertions.Expect(page.Locator("#passkeys li")).ToHaveCountAsync(1);
        await PageChecks.AssertGoodAsync(page, $"security-{provider}");
        await PortalSignIn.SubmitAsync(page, "form.pforte-signout button");

        await page.GotoAsync("/portal/anmelden");
        await Assertions.Expect(page.Locator("#passkey-anmelden")).ToBeVisibleAsync();
        await page.ClickAsync("#passkey-anmelden");
        await page.WaitForURLAsync(url => !url.Contains("/portal/anmelden", StringComparison.Ordinal));
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "pforte-sitzung");

        await using var db = host.NewContext();
        var logins = await db.AuditEntries.Where(e => e.SubjectPersonId == person.PersonId && e.Action == AuditAction.PortalLoginRecorded)
            .Select(e => e.Details!).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, logins.Count);
        Assert.All(logins, d => Assert.Contains("\"factors\":\"passkey\"", d, StringComparison.Ordinal));
        Assert.All(logins, d => Assert.Contains("\"level\":\"substantiell\"", d, StringComparison.Ordinal));
        Assert.Single(await db.Set<Microsoft.AspNetCore.Identity.IdentityUserPasskey<Guid>>().ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_passkey_is_added_after_step_up_and_then_confirms_the_next_step_up()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var account = await PortalSignIn.CreateAccountAsync(host, 22);
        var page = await chromium.NewPageAsync(host);
        await PortalSignIn.AddVirtualAuthenticatorAsync(page);
        await PortalSignIn.SignInAsync(page, account);

        // A high-value page asks for the second factor again, also right after the login.
        await page.GotoAsync("/portal/konto/sicherheit");
        await page.Locator("#passkey-hinzufuegen-link").ClickAsync();
        await page.WaitForURLAsync("**/portal/anmelden/bestaetigen**");
        await PageChecks.AssertGoodAsync(page, "step-up");
        await page.FillAsync("#totp", "000000");
        await PortalSignIn.SubmitAsync(page, "form#app button[type=submit]");
        await Assertions.Expect(page.Locator("#totp-fehler")).ToContainTextAsync("Code");
        await PageChecks.AssertGoodAsync(page, "step-up-wrong-code");
        await page.FillAsync("#totp", account.NextCode());
        await PortalSignIn.SubmitAsync(page, "form#app button[type=submit]");
        await page.WaitForURLAsync("**/portal/konto/passkey");
        await PageChecks.AssertGoodAsync(page, "passkey-add");
        await page.ClickAsync("#passkey-hinzufuegen");
        await page.WaitForURLAsync("**/portal/konto/sicherheit");
        await Assertions.Expect(page.Locator("#passkeys li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".kern-alert--success")).ToContainTextAsync("hinzugefügt");

        // A step-up with the passkey instead of the app.
        await page.GotoAsync("/portal/anmelden/bestaetigen?returnUrl=%2Fportal%2Fkonto%2Fpasskey");
        await page.ClickAsync("#passkey-bestaetigen");
        await page.WaitForURLAsync("**/portal/konto/passkey");

        await using var db = host.NewContext();
        var actions = await db.AuditEntries.Where(e => e.SubjectPersonId == account.Person.PersonId).Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains(AuditAction.PortalStepUpFailed, actions);
        Assert.Equal(2, actions.Count(a => a == AuditAction.PortalStepUpConfirmed));
        Assert.Contains(AuditAction.PortalPasskeyAdded, actions);
    }
}
