using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Testing;
using Pforte.Testing.Accounts;

namespace Pforte.Portal.Tests.Accounts;

/// <summary>Registration and sign-in with password and authenticator app, in Chromium (issue 12, ADR 0015).</summary>
public sealed class RegistrationTests(Chromium chromium)
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_registers_with_the_code_and_an_authenticator_app_by_keyboard_and_signs_in_again(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var person = await AccountTestData.PersonWithCodeAsync(host.Services, host.Kasse.Id, 1);
        var page = PortalSignIn.Patient(await chromium.NewPageAsync(host));

        await page.GotoAsync("/portal/konto/anlegen");
        await PageChecks.AssertGoodAsync(page, $"register-1-{provider}");
        // Keyboard only: Tab to each field, type, Enter.
        await PageChecks.TabToAsync(page, "#kvnr");
        await page.Keyboard.TypeAsync(person.Kvnr);
        await PageChecks.TabToAsync(page, "#karte");
        await page.Keyboard.TypeAsync(person.CardNumber);
        await PageChecks.TabToAsync(page, "#code");
        await page.Keyboard.TypeAsync(person.Code);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/portal/konto/zugangsdaten");
        await PageChecks.AssertGoodAsync(page, $"register-2-{provider}");

        // A common password is refused with its reason, at its field.
        await page.FillAsync("#benutzername", "juergen.m");
        await page.FillAsync("#passwort", "password123");
        await page.FillAsync("#passwort2", "password123");
        await PortalSignIn.PressEnterAsync(page);
        await Assertions.Expect(page.Locator("#passwort-fehler")).ToContainTextAsync("am häufigsten benutzten Passwörtern");
        await PageChecks.AssertGoodAsync(page, $"register-2-weak-password-{provider}");

        await PageChecks.TabToAsync(page, "#passwort");
        await page.Keyboard.TypeAsync(PortalSignIn.DefaultPassword);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(PortalSignIn.DefaultPassword);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/portal/konto/faktor");
        await Assertions.Expect(page.Locator("img.pforte-qr")).ToBeVisibleAsync();
        var qr = await page.EvaluateAsync<int>("() => document.querySelector('img.pforte-qr').naturalWidth");
        Assert.True(qr > 100, "the QR code image loads");
        await PageChecks.AssertGoodAsync(page, $"register-3-{provider}");
        var key = (await page.Locator("#schluessel").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        var account = new TestAccount(person, "juergen.m", PortalSignIn.DefaultPassword, key);

        await PageChecks.TabToAsync(page, "#totp");
        await page.Keyboard.TypeAsync("000000");
        await PortalSignIn.PressEnterAsync(page);
        await Assertions.Expect(page.Locator("#totp-fehler")).ToContainTextAsync("stimmt nicht");
        await PageChecks.AssertGoodAsync(page, $"register-3-wrong-code-{provider}");
        await page.FillAsync("#totp", account.NextCode());
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => !url.Contains("/portal/konto/faktor", StringComparison.Ordinal));
        var cookies = await page.Context.CookiesAsync();
        Assert.True(cookies.Any(c => c.Name == "pforte-sitzung" && c.HttpOnly && c.SameSite == SameSiteAttribute.Strict),
            page.Url + ": " + string.Join(", ", cookies.Select(c => c.Name)) + "\n" + await page.InnerTextAsync("main"));

        // Signed out, then in again with password and the next code.
        await page.GotoAsync("/portal/konto/sicherheit");
        await page.ClickAsync("form.pforte-signout button");
        await page.WaitForURLAsync("**/portal/abmelden");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sie sind abgemeldet");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "pforte-sitzung");
        await PageChecks.AssertGoodAsync(page, $"signed-out-{provider}");
        await PortalSignIn.SignInAsync(page, account);

        await using var db = host.NewContext();
        var actions = await db.AuditEntries.Where(e => e.SubjectPersonId == person.PersonId).Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains(AuditAction.CodeVerified, actions);
        Assert.Contains(AuditAction.PortalAccountRegistered, actions);
        Assert.Equal(2, actions.Count(a => a == AuditAction.PortalLoginRecorded));
        Assert.Contains(AuditAction.PortalSignedOut, actions);
    }

    [Fact]
    public async Task Sign_in_pages_and_their_error_states_pass_axe_and_every_failure_reads_the_same()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var account = await PortalSignIn.CreateAccountAsync(host, 2);
        var page = PortalSignIn.Patient(await chromium.NewPageAsync(host));
        await page.GotoAsync("/portal/anmelden");
        await PageChecks.AssertGoodAsync(page, "sign-in");
        await PortalSignIn.SubmitAsync(page);
        await Assertions.Expect(page.Locator("#benutzername-fehler")).ToContainTextAsync("Benutzername");
        await PageChecks.AssertGoodAsync(page, "sign-in-empty");

        async Task<string> FailWith(string user, string password)
        {
            await page.FillAsync("#benutzername", user);
            await page.FillAsync("#passwort", password);
            await PortalSignIn.SubmitAsync(page);
            return await page.Locator(".pforte-error-summary").InnerTextAsync();
        }
        var unknown = await FailWith("niemand", PortalSignIn.DefaultPassword);
        var wrong = await FailWith(account.UserName, "falsches Passwort 1");
        Assert.Equal(unknown, wrong);
        await PageChecks.AssertGoodAsync(page, "sign-in-failed");

        await page.FillAsync("#benutzername", account.UserName);
        await page.FillAsync("#passwort", account.Password);
        await page.ClickAsync("form[method=post] button[type=submit]");
        await page.WaitForURLAsync("**/portal/anmelden/code");
        await PageChecks.AssertGoodAsync(page, "sign-in-code");
        await page.FillAsync("#totp", "12345");
        await PortalSignIn.SubmitAsync(page);
        await Assertions.Expect(page.Locator("#totp-fehler")).ToContainTextAsync("sechs Ziffern");
        await PageChecks.AssertGoodAsync(page, "sign-in-code-format");
    }
}
