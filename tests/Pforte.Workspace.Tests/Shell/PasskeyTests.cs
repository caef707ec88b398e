using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Shell;

/// <summary>Staff passkeys with Chromium's virtual authenticator (DevTools WebAuthn domain) on http://localhost.</summary>
public sealed class PasskeyTests(Chromium chromium)
{
    /// <summary>On the own account page, "Passkey hinzufügen"; the page then lists it.</summary>
    private static async Task AddPasskeyAsync(IPage page, string screenshot)
    {
        await page.GotoAsync(WorkspacePaths.Account);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Sie haben noch keinen Passkey.");
        await PageChecks.AssertGoodAsync(page, screenshot);
        await page.ClickAsync("#passkey-hinzufuegen");
        await Assertions.Expect(page.Locator(".kern-alert--success")).ToContainTextAsync("ist hinzugefügt");
        await Assertions.Expect(page.Locator("main ul.kern-list li")).ToHaveCountAsync(1);
        await PageChecks.AssertGoodAsync(page, screenshot + "-added");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Staff_member_adds_a_passkey_on_the_account_page_and_signs_in_with_it_alone(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var page = await host.NewPageAsync();
        page.Context.SetDefaultTimeout(30_000);
        var authenticator = await VirtualAuthenticator.AddAsync(page);
        var staff = await host.SignInAsync(page, StaffRoles.Agent);
        await AddPasskeyAsync(page, $"ws-account-passkey-{provider}");
        await page.ClickAsync("form.pforte-signout button");
        await page.WaitForURLAsync("**/arbeitsplatz/anmelden?abgemeldet=true");

        // No user name, no password, no code: the passkey alone.
        await page.ClickAsync("#passkey-anmelden");
        await page.WaitForURLAsync(new Regex("/arbeitsplatz$"));
        await Assertions.Expect(page.Locator("main ul.kern-list")).ToContainTextAsync("Telefon");
        await PageChecks.AssertGoodAsync(page, $"ws-home-after-passkey-{provider}");

        var credential = Assert.Single(await authenticator.CredentialsAsync());
        Assert.Equal("localhost", credential.RpId);
        Assert.Equal(staff.AccountId.ToString(), System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(credential.UserHandle!)));
        await using var db = host.NewContext();
        Assert.Equal(1, await db.Set<StaffPasskey>().CountAsync(p => p.UserId == staff.AccountId, TestContext.Current.CancellationToken));
        var audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.StaffPasskeyAdded && e.ActorId == staff.ActorId);
        var signIns = audit.Where(e => e.Action == AuditAction.StaffSignedIn && e.ActorId == staff.ActorId).Select(e => e.Details!).ToList();
        Assert.Equal(2, signIns.Count);
        Assert.Contains("\"factors\":\"password,totp\"", signIns[0], StringComparison.Ordinal);
        Assert.Contains("\"factors\":\"passkey\"", signIns[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_passkey_of_another_account_or_of_another_site_does_not_open_the_workspace()
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, "sqlite");
        var owner = await host.NewPageAsync();
        owner.Context.SetDefaultTimeout(30_000);
        var ownerAuthenticator = await VirtualAuthenticator.AddAsync(owner);
        await host.SignInAsync(owner, StaffRoles.Agent);
        await AddPasskeyAsync(owner, "ws-account-passkey-owner");
        var registered = Assert.Single(await ownerAuthenticator.CredentialsAsync());
        var admin = await host.CreateStaffAsync([StaffRoles.Admin]);

        async Task RefusedAsync(AuthenticatorCredential credential, string name)
        {
            var page = await host.NewPageAsync();
            page.Context.SetDefaultTimeout(30_000);
            var authenticator = await VirtualAuthenticator.AddAsync(page);
            await authenticator.AddCredentialAsync(credential);
            await page.GotoAsync(WorkspacePaths.SignIn);
            await page.ClickAsync("#passkey-anmelden");
            // The server's refusal (error summary) or the browser's (no passkey of this site: the note beside the button).
            var refusal = page.Locator(".pforte-error-summary, [data-passkey-status]:visible");
            await Assertions.Expect(refusal.First).ToBeVisibleAsync();
            await Assertions.Expect(refusal.First).ToContainTextAsync("Passkey");
            Assert.Contains("/arbeitsplatz/anmelden", page.Url, StringComparison.Ordinal);
            await PageChecks.AssertAccessibleAsync(page, name);
            Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == WorkspaceAuth.CookieName);
            var response = await page.GotoAsync(WorkspacePaths.Home);
            Assert.Contains("/arbeitsplatz/anmelden", page.Url, StringComparison.Ordinal);
            Assert.Equal(200, response!.Status);
            await page.Context.CloseAsync();
        }

        // The owner's key copied, claiming to be the admin's (user handle changed): the admin has no such passkey.
        await RefusedAsync(registered with { UserHandle = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(admin.AccountId.ToString())) }, "ws-passkey-other-account");
        // A key for this site that no staff account registered (e.g. a portal passkey), in the admin's name.
        await RefusedAsync(VirtualAuthenticator.NewCredential("localhost", admin.AccountId.ToString()), "ws-passkey-unknown");
        // The owner's own key, but made for another site: the browser offers nothing for this one.
        await RefusedAsync(registered with { RpId = "example.org", CredentialId = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) }, "ws-passkey-other-site");

        var audit = await host.AuditAsync();
        Assert.DoesNotContain(audit, e => e.Action == AuditAction.StaffSignedIn && e.ActorId == admin.ActorId);
        Assert.Single(audit, e => e.Action == AuditAction.StaffSignedIn);
    }
}
