using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Shell;

/// <summary>Every role × every page of the shell: allowed 200 or the German 403; admin screens; secrets never stored or shown.</summary>
public sealed class RoleMatrixTests(Chromium chromium)
{
    private static readonly (string Path, string Policy)[] Pages =
    [
        ("/arbeitsplatz", WorkspacePolicies.AnyStaff),
        ("/arbeitsplatz/konto", WorkspacePolicies.AnyStaff),
        ("/arbeitsplatz/verwaltung/mitarbeitende", WorkspacePolicies.Admin),
        ("/arbeitsplatz/verwaltung/zugaenge", WorkspacePolicies.Admin),
    ];

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Every_role_opens_exactly_the_pages_its_policy_allows(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        foreach (var role in StaffRoles.All)
        {
            var page = await host.NewPageAsync();
            await host.SignInAsync(page, role);
            foreach (var (path, policy) in Pages)
            {
                var response = await page.GotoAsync(path);
                var allowed = WorkspacePolicies.Allows(policy, new HashSet<string> { role });
                Assert.True((allowed ? 200 : 403) == response!.Status, $"{role} on {path}: {response.Status}");
                if (!allowed)
                {
                    await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Kein Zugriff");
                }
            }
            await page.Context.CloseAsync();
        }
        var anonymous = await host.NewPageAsync();
        foreach (var (path, _) in Pages)
        {
            await anonymous.GotoAsync(path);
            Assert.Contains("/arbeitsplatz/anmelden", anonymous.Url, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Admin_creates_an_account_changes_roles_disables_it_and_manages_api_clients(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var page = await host.NewPageAsync();
        var admin = await host.SignInAsync(page, StaffRoles.Admin);
        await page.GotoAsync("/arbeitsplatz/verwaltung/mitarbeitende");
        await PageChecks.AssertGoodAsync(page, $"ws-staff-list-{provider}");
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await Assertions.Expect(page.Locator(".pforte-error-summary")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-staff-create-error-{provider}");
        await page.FillAsync("#benutzername", "neu.telefon");
        await page.FillAsync("#name", "Neue Kollegin");
        await page.CheckAsync("#rollen-agent");
        await page.ClickAsync("form.pforte-form button[type=submit]");
        var password = (await page.Locator("#startpasswort").TextContentAsync())!.Trim();
        Assert.Matches("^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$", password);
        await PageChecks.AssertGoodAsync(page, $"ws-staff-created-{provider}");

        await page.ClickAsync("a:text('neu.telefon')");
        await PageChecks.AssertGoodAsync(page, $"ws-staff-account-{provider}");
        await page.CheckAsync("#rollen-supervisor");
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Die Rollen sind gespeichert.");
        await page.ClickAsync("#deaktivieren");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Das Konto ist deaktiviert");
        await PageChecks.AssertGoodAsync(page, $"ws-staff-disabled-{provider}");

        await page.GotoAsync("/arbeitsplatz/verwaltung/zugaenge");
        await PageChecks.AssertGoodAsync(page, $"ws-clients-{provider}");
        await page.FillAsync("#clientname", "ivr-test");
        await page.CheckAsync("#scope-machine-auth");
        await page.ClickAsync("form.pforte-form button[type=submit]");
        var key = (await page.Locator("#schluessel").TextContentAsync())!.Trim();
        Assert.StartsWith("pf_", key, StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"ws-clients-created-{provider}");
        // Shown once: the list afterwards has the key id only.
        await page.GotoAsync("/arbeitsplatz/verwaltung/zugaenge");
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "„ivr-test“ widerrufen" }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("ist widerrufen");

        // Nothing secret in the audit record: no initial password, no key, no TOTP secret.
        var audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.StaffAccountCreated && e.ActorId == admin.ActorId && e.Channel == "workspace");
        Assert.Contains(audit, e => e.Action == AuditAction.StaffRolesChanged && e.ActorId == admin.ActorId);
        Assert.Contains(audit, e => e.Action == AuditAction.ApiClientCreated && e.ActorId == admin.ActorId);
        foreach (var secret in new[] { password, key, admin.Password, admin.TotpSecret! })
        {
            Assert.DoesNotContain(audit, e => (e.Details ?? "").Contains(secret, StringComparison.Ordinal) || (e.ReasonCode ?? "").Contains(secret, StringComparison.Ordinal));
        }
        await using var db = host.NewContext();
        var stored = await db.StaffAccounts.AsNoTracking().ToListAsync();
        Assert.DoesNotContain(stored, a => (a.PasswordHash ?? "").Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(stored, a => a.SealedAuthenticatorKey != null && System.Text.Encoding.ASCII.GetString(a.SealedAuthenticatorKey).Contains(admin.TotpSecret!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Error_pages_are_german_and_the_error_page_is_not_a_page_of_its_own()
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, "sqlite");
        var page = await host.NewPageAsync();
        await host.SignInAsync(page, StaffRoles.Agent);
        var missing = await page.GotoAsync("/arbeitsplatz/gibt-es-nicht");
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Seite nicht gefunden");
        await PageChecks.AssertGoodAsync(page, "ws-404");
        var forbidden = await page.GotoAsync("/arbeitsplatz/verwaltung/mitarbeitende");
        Assert.Equal(403, forbidden!.Status);
        await PageChecks.AssertGoodAsync(page, "ws-403");
        var direct = await page.GotoAsync("/arbeitsplatz/fehler/500");
        Assert.Equal(404, direct!.Status);
        var headers = await (await page.GotoAsync("/arbeitsplatz"))!.AllHeadersAsync();
        Assert.DoesNotContain("unsafe-inline", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("no-store", headers["cache-control"], StringComparison.Ordinal);
        // Keyboard: the skip link is the first stop and leads to <main>.
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.matches('a.pforte-skip')"));
        await PageChecks.TabToAsync(page, "form.pforte-signout button");
    }
}
