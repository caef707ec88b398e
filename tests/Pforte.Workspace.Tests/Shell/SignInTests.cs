using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Shell;

/// <summary>Local staff sign-in: password + authenticator app, first-time setup of the app, failures, sign-out.</summary>
public sealed class SignInTests(Chromium chromium)
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Staff_member_signs_in_with_password_and_code_and_sees_the_start_page_of_their_roles(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var page = await host.NewPageAsync();
        var response = await page.GotoAsync("/arbeitsplatz");
        Assert.Equal(200, response!.Status);
        Assert.Contains("/arbeitsplatz/anmelden", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Am Arbeitsplatz anmelden");
        await PageChecks.AssertGoodAsync(page, $"ws-sign-in-{provider}");

        var staff = await host.CreateStaffAsync([StaffRoles.Admin, StaffRoles.Agent]);
        await page.FillAsync("#benutzername", staff.UserName);
        await page.FillAsync("#passwort", staff.Password);
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await page.WaitForURLAsync("**/arbeitsplatz/anmelden/code");
        await PageChecks.AssertGoodAsync(page, $"ws-sign-in-code-{provider}");
        await page.FillAsync("#totp", "12345");
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await Assertions.Expect(page.Locator("#totp-fehler")).ToContainTextAsync("sechsstelligen Code");
        await PageChecks.AssertGoodAsync(page, $"ws-sign-in-code-error-{provider}");
        await page.FillAsync("#totp", staff.TotpCode());
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await page.WaitForURLAsync(new Regex("/arbeitsplatz$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Arbeitsplatz");
        await Assertions.Expect(page.Locator("nav.pforte-ws-nav")).ToContainTextAsync("Mitarbeitende");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Telefon");
        await PageChecks.AssertGoodAsync(page, $"ws-home-admin-{provider}");

        // The cookie: the workspace's own, on its path, HttpOnly, SameSite=Strict.
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "pforte-arbeitsplatz");
        Assert.Equal("/arbeitsplatz", cookie.Path);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        // Sign-out ends the session on the server: the old cookie no longer opens anything.
        var cookies = await page.Context.CookiesAsync();
        await page.ClickAsync("form.pforte-signout button");
        await page.WaitForURLAsync("**/arbeitsplatz/anmelden?abgemeldet=true");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Sie sind abgemeldet.");
        var replay = await chromium.Browser.NewContextAsync(new() { BaseURL = host.BaseUrl });
        await replay.AddCookiesAsync(cookies.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
        var again = await replay.NewPageAsync();
        await again.GotoAsync("/arbeitsplatz");
        Assert.Contains("/arbeitsplatz/anmelden", again.Url, StringComparison.Ordinal);

        var audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.StaffSignedIn && e.ActorId == staff.ActorId && e.ActorKind == ActorKind.Staff);
        Assert.Contains(audit, e => e.Action == AuditAction.StaffSignedOut && e.ActorId == staff.ActorId);
    }

    [Fact]
    public async Task New_local_account_must_set_up_the_authenticator_app_before_it_opens_the_workspace()
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, "sqlite");
        var staff = await host.CreateStaffAsync([StaffRoles.Agent], withTotp: false);
        var page = await host.NewPageAsync();
        await page.GotoAsync("/arbeitsplatz/anmelden");
        await page.FillAsync("#benutzername", staff.UserName);
        await page.FillAsync("#passwort", staff.Password);
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await page.WaitForURLAsync("**/arbeitsplatz/anmelden/einrichten");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Authenticator-App einrichten");
        await PageChecks.AssertGoodAsync(page, "ws-enrol");

        // The QR code is an image of this host; the key is there as text too.
        var secret = (await page.Locator("#schluessel").TextContentAsync())!.Trim();
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        var qr = await page.APIRequest.GetAsync("/arbeitsplatz/anmelden/einrichten?handler=Qr");
        Assert.Equal(200, qr.Status);
        Assert.Equal("image/png", qr.Headers["content-type"]);

        // Without the app, the workspace stays closed.
        await page.GotoAsync("/arbeitsplatz");
        Assert.Contains("/arbeitsplatz/anmelden", page.Url, StringComparison.Ordinal);

        await page.GotoAsync("/arbeitsplatz/anmelden/einrichten");
        await page.FillAsync("#totp", "000000");
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await Assertions.Expect(page.Locator(".pforte-error-summary")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, "ws-enrol-error");
        await page.FillAsync("#totp", (staff with { TotpSecret = secret }).TotpCode());
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await page.WaitForURLAsync(new Regex("/arbeitsplatz$"));
        await Assertions.Expect(page.Locator("nav.pforte-ws-nav")).Not.ToContainTextAsync("Mitarbeitende");

        var audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.StaffTotpEnrolled && e.ActorId == staff.ActorId);
    }

    [Fact]
    public async Task Wrong_password_reads_the_same_as_an_unknown_name_and_locks_after_five()
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, "sqlite");
        var staff = await host.CreateStaffAsync([StaffRoles.Agent]);
        var page = await host.NewPageAsync();
        string? first = null;
        for (var i = 0; i < 5; i++)
        {
            await page.GotoAsync("/arbeitsplatz/anmelden");
            await page.FillAsync("#benutzername", i == 0 ? "gibt.es.nicht" : staff.UserName);
            await page.FillAsync("#passwort", "falsches-passwort-" + i);
            await page.ClickAsync("form.pforte-form button[type=submit]");
            var text = await page.Locator(".pforte-error-summary").TextContentAsync();
            first ??= text;
            Assert.Equal(first, text);
            if (i == 1)
            {
                await PageChecks.AssertGoodAsync(page, "ws-sign-in-error");
            }
        }
        // Four wrong passwords counted; the fifth locks (MaxFailures 5 counts the wrong ones of the known account).
        await page.GotoAsync("/arbeitsplatz/anmelden");
        await page.FillAsync("#benutzername", staff.UserName);
        await page.FillAsync("#passwort", "noch-ein-falsches");
        await page.ClickAsync("form.pforte-form button[type=submit]");
        // Now even the right password is refused.
        await page.GotoAsync("/arbeitsplatz/anmelden");
        await page.FillAsync("#benutzername", staff.UserName);
        await page.FillAsync("#passwort", staff.Password);
        await page.ClickAsync("form.pforte-form button[type=submit]");
        Assert.Equal(first, await page.Locator(".pforte-error-summary").TextContentAsync());
        var audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.StaffAccountLocked && e.ActorId == staff.ActorId);
        Assert.Contains(audit, e => e.Action == AuditAction.StaffSignInFailed && e.ReasonCode == "locked");
    }
}
