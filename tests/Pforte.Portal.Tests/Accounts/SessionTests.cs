using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Pforte.Core.Audit;

namespace Pforte.Portal.Tests.Accounts;

/// <summary>Sessions on the server: revocable everywhere, idle and absolute expiry, CSRF, rate limits, sign-in redirect.</summary>
public sealed class SessionTests(Chromium chromium)
{
    [Fact]
    public async Task Signing_out_everywhere_ends_the_session_of_the_other_browser_too()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var account = await PortalSignIn.CreateAccountAsync(host, 41);
        var first = await chromium.NewPageAsync(host);
        var second = await chromium.NewPageAsync(host);
        await PortalSignIn.SignInAsync(first, account);
        await PortalSignIn.SignInAsync(second, account);

        await first.GotoAsync("/portal/konto/sicherheit");
        await Assertions.Expect(first.Locator("#sitzungen li")).ToHaveCountAsync(2);
        await PortalSignIn.SubmitAsync(first, "#ueberall-abmelden");
        await Assertions.Expect(first.Locator("h1")).ToHaveTextAsync("Sie sind abgemeldet");

        await second.GotoAsync("/portal/konto/sicherheit");
        Assert.Contains("/portal/anmelden", second.Url, StringComparison.Ordinal);
        await using var db = host.NewContext();
        Assert.Equal(2, await db.PortalSessions.CountAsync(s => s.RevokedAt != null, TestContext.Current.CancellationToken));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditAction.PortalSessionsRevoked, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("idle")]
    [InlineData("absolute")]
    public async Task An_expired_session_is_refused_whatever_the_cookie_says(string expiry)
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var (page, _) = await PortalSignIn.SignedInPageAsync(chromium, host, 42);
        await page.GotoAsync("/portal/konto/sicherheit");
        Assert.EndsWith("/portal/konto/sicherheit", page.Url, StringComparison.Ordinal);

        await using (var db = host.NewContext())
        {
            var session = await db.PortalSessions.SingleAsync(TestContext.Current.CancellationToken);
            if (expiry == "idle")
            {
                session.LastSeenAt = DateTimeOffset.UtcNow.AddMinutes(-16); // idle 15 minutes
            }
            else
            {
                session.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1); // 8 hours after the login
            }
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        await page.GotoAsync("/portal/konto/sicherheit");
        Assert.Contains("/portal/anmelden?returnUrl=", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "pforte-sitzung");
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_changes_nothing()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var (page, _) = await PortalSignIn.SignedInPageAsync(chromium, host, 43);
        // Same browser, same cookies, no token: what a forged cross-site form would send.
        var response = await page.APIRequest.PostAsync("/portal/konto/sicherheit?handler=Everywhere", new APIRequestContextOptions { Form = page.APIRequest.CreateFormData() });
        Assert.Equal(400, response.Status);
        await using var db = host.NewContext();
        Assert.False(await db.PortalSessions.AnyAsync(s => s.RevokedAt != null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Signed_in_pages_send_a_visitor_to_the_sign_in_and_back()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var account = await PortalSignIn.CreateAccountAsync(host, 44);
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal/konto/sicherheit");
        Assert.Contains("/portal/anmelden?returnUrl=%2Fportal%2Fkonto%2Fsicherheit", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#benutzername", account.UserName);
        await page.FillAsync("#passwort", account.Password);
        await PortalSignIn.SubmitAsync(page);
        await page.FillAsync("#totp", account.NextCode());
        await PortalSignIn.SubmitAsync(page);
        Assert.EndsWith("/portal/konto/sicherheit", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_sign_in_attempts_from_one_address_get_the_german_429_page()
    {
        await using var host = await PortalHost.StartAsync("sqlite", new Dictionary<string, string?> { ["Pforte:Portal:RateLimits:Factor"] = "0.1" });
        var page = await chromium.NewPageAsync(host);
        IResponse? last = null;
        for (var i = 0; i < 3; i++)
        {
            await page.GotoAsync("/portal/anmelden");
            await page.FillAsync("#benutzername", "niemand");
            await page.FillAsync("#passwort", "irgendein Passwort");
            var answered = page.WaitForResponseAsync(r => r.Request.Method == "POST");
            await page.ClickAsync("form[method=post] button[type=submit]");
            last = await answered;
        }
        Assert.Equal(429, last!.Status);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Zu viele Versuche");
        await PageChecks.AssertGoodAsync(page, "sign-in-429");
    }
}
