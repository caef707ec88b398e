using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Oidc;

/// <summary>
/// Sign-in with a company account end to end in Chromium: the workspace (real host) against a real OpenID Connect
/// provider (OpenIddict, <see cref="OidcProvider"/>) — code + PKCE, the staff record linked by issuer + subject on the
/// first sign-in, roles from the provider's claim at every sign-in, refusals and failures on the German page.
/// </summary>
public sealed class OidcSignInTests(Chromium chromium)
{
    /// <summary>The provider and the workspace host configured for it (the provider needs the host's callback address).</summary>
    private sealed class Setup : IAsyncDisposable
    {
        public required OidcProvider Provider { get; init; }

        public required WorkspaceHost Host { get; init; }

        public static async Task<Setup> StartAsync(Chromium chromium, string database)
        {
            WorkspaceHost? host = null;
            var provider = await OidcProvider.StartAsync(() => host!.Url(WorkspacePaths.OidcCallback));
            host = await WorkspaceHost.StartAsync(chromium, database, provider.WorkspaceSettings(TestData.Ik));
            return new Setup { Provider = provider, Host = host };
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Provider.DisposeAsync();
        }
    }

    /// <summary>From the workspace's sign-in page through the provider's login page as <paramref name="login"/>; returns the response of the page landed on.</summary>
    private static async Task<IResponse?> SignInThroughProviderAsync(IPage page, string login, bool cancel = false)
    {
        // Two hosts and a browser on a shared machine: more patience than the default 10 s.
        page.Context.SetDefaultTimeout(30_000);
        await page.GotoAsync("/arbeitsplatz/anmelden");
        await page.ClickAsync("#unternehmenskonto");
        await page.WaitForURLAsync(new Regex("/connect/authorize"));
        await page.FillAsync("#login", login);
        return await LandAsync(page, () => page.ClickAsync(cancel ? "#abbrechen" : "#anmelden"), new Regex("/arbeitsplatz(/zugriff-verweigert.*)?$"));
    }

    /// <summary>Runs <paramref name="action"/> and waits for the page it leads to (after the redirects) to be loaded.</summary>
    private static async Task<IResponse> LandAsync(IPage page, Func<Task> action, Regex url)
    {
        var response = await page.RunAndWaitForResponseAsync(action, r => r.Request.IsNavigationRequest && r.Status != 302 && url.IsMatch(r.Url));
        // The response is there before the page is: wait until the page shows it.
        await page.WaitForURLAsync(url);
        return response;
    }

    private static async Task<StaffAccount> LinkedAccountAsync(WorkspaceHost host, string subject)
    {
        await using var db = host.NewContext();
        return await db.StaffAccounts.AsNoTracking().SingleAsync(a => a.ExternalSubject == subject);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Staff_member_signs_in_through_the_provider_with_the_roles_of_the_claim_refreshed_at_every_sign_in(string database)
    {
        await using var setup = await Setup.StartAsync(chromium, database);
        var (provider, host) = (setup.Provider, setup.Host);
        provider.Users["anna"] = new OidcUser("sub-anna-7", "anna.agent", "Anna Agent", ["pforte-telefon", "unbekannte-gruppe"]);

        var page = await host.NewPageAsync();
        await page.GotoAsync("/arbeitsplatz/anmelden");
        await Assertions.Expect(page.Locator("#unternehmenskonto")).ToHaveTextAsync("Mit Unternehmenskonto anmelden");
        await PageChecks.AssertGoodAsync(page, $"ws-oidc-sign-in-{database}");
        var landed = await SignInThroughProviderAsync(page, "anna");
        Assert.Equal(200, landed!.Status);
        Assert.Matches(new Regex("/arbeitsplatz$"), page.Url);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Arbeitsplatz");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Guten Tag, Anna Agent.");
        await Assertions.Expect(page.Locator("main ul.kern-list")).ToContainTextAsync("Telefon");
        await Assertions.Expect(page.Locator("main ul.kern-list li")).ToHaveCountAsync(1);
        await PageChecks.AssertGoodAsync(page, $"ws-oidc-home-agent-{database}");

        // The code was exchanged by the workspace at the provider's token endpoint (PKCE is required there).
        Assert.Contains("POST /connect/token", provider.Requests);
        // The provider's answer lived only between callback and the staff record: its cookie is gone.
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "pforte-arbeitsplatz-extern");
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == WorkspaceAuth.CookieName);

        // An agent: the caller screen opens, the audit search does not.
        var caller = await page.GotoAsync(WorkspacePaths.Caller);
        Assert.Equal(200, caller!.Status);
        var search = await page.GotoAsync(WorkspacePaths.AuditSearch);
        Assert.Equal(403, search!.Status);

        // The staff record: linked by issuer + subject, the provider's user name, no password, roles of the claim.
        var account = await LinkedAccountAsync(host, "sub-anna-7");
        Assert.Equal(provider.Authority, account.ExternalIssuer);
        Assert.Equal("anna.agent", account.UserName);
        Assert.Equal(host.Kasse.Id, account.KasseId);
        Assert.Null(account.PasswordHash);
        Assert.Equal(StaffRoles.Agent, account.Roles);
        var audit = await host.AuditAsync();
        var actorId = "staff:" + account.Id;
        Assert.Contains(audit, e => e.Action == AuditAction.StaffAccountProvisioned && e.ActorId == actorId && e.Details!.Contains("\"created\":true", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == AuditAction.StaffSignedIn && e.ActorId == actorId && e.ActorKind == ActorKind.Staff);
        Assert.DoesNotContain(audit, e => (e.Details ?? "").Contains("eyJ", StringComparison.Ordinal));

        // Next sign-in (another browser): the provider now says agent + admin; the same record gets both roles.
        provider.Users["anna"] = provider.Users["anna"] with { Name = "Anna Admin", Roles = ["pforte-telefon", "pforte-admin"] };
        var second = await host.NewPageAsync();
        await SignInThroughProviderAsync(second, "anna");
        await Assertions.Expect(second.Locator("nav.pforte-ws-nav")).ToContainTextAsync("Mitarbeitende");
        await Assertions.Expect(second.Locator("main")).ToContainTextAsync("Guten Tag, Anna Admin.");
        account = await LinkedAccountAsync(host, "sub-anna-7");
        Assert.True(StaffRoles.Split(account.Roles).SetEquals([StaffRoles.Agent, StaffRoles.Admin]), account.Roles);
        await using (var db = host.NewContext())
        {
            Assert.Equal(1, await db.StaffAccounts.CountAsync(a => a.ExternalSubject != null));
        }

        // Then the provider takes the roles away: refused, and the record's open sessions end with its roles.
        provider.Users["anna"] = provider.Users["anna"] with { Roles = [] };
        var third = await host.NewPageAsync();
        var refused = await SignInThroughProviderAsync(third, "anna");
        Assert.Equal(403, refused!.Status);
        await Assertions.Expect(third.Locator("main")).ToContainTextAsync("keine Rolle");
        await second.GotoAsync("/arbeitsplatz");
        Assert.Contains("/arbeitsplatz/anmelden", second.Url, StringComparison.Ordinal);
        Assert.Equal("", (await LinkedAccountAsync(host, "sub-anna-7")).Roles);
        audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.StaffAccessDenied && e.ActorId == actorId && e.ReasonCode == "no-role" && e.Details!.Contains("\"sessionsEnded\":2", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Company_account_whose_claim_maps_to_no_role_is_refused_with_the_German_page(string database)
    {
        await using var setup = await Setup.StartAsync(chromium, database);
        setup.Provider.Users["max"] = new OidcUser("sub-max", "max.muster", "Max Muster", ["pforte-kantine"]);
        var page = await setup.Host.NewPageAsync();
        var refused = await SignInThroughProviderAsync(page, "max");
        Assert.Equal(403, refused!.Status);
        Assert.EndsWith("/arbeitsplatz/zugriff-verweigert?grund=rolle", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Zugriff verweigert");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Ihr Unternehmenskonto hat keine Rolle, die den Arbeitsplatz öffnen darf.");
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("max.muster");
        await PageChecks.AssertGoodAsync(page, $"ws-oidc-no-role-{database}");

        // No record, no session: the workspace stays closed.
        await using (var db = setup.Host.NewContext())
        {
            Assert.False(await db.StaffAccounts.AnyAsync(a => a.ExternalSubject == "sub-max"));
        }
        await page.GotoAsync("/arbeitsplatz");
        Assert.Contains("/arbeitsplatz/anmelden", page.Url, StringComparison.Ordinal);
        var audit = await setup.Host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.StaffAccessDenied && e.ReasonCode == "no-role" && e.ActorId == "staff:anonymous");
        Assert.DoesNotContain(audit, e => e.Action is AuditAction.StaffSignedIn or AuditAction.StaffAccountProvisioned);
    }

    [Fact]
    public async Task Cancel_at_the_provider_a_tampered_state_or_a_forged_callback_give_the_German_page_and_never_a_500()
    {
        await using var setup = await Setup.StartAsync(chromium, "sqlite");
        var (provider, host) = (setup.Provider, setup.Host);
        provider.Users["anna"] = new OidcUser("sub-anna", "anna.agent", "Anna Agent", ["pforte-telefon"]);

        // Cancelled at the provider: it answers error=access_denied.
        var page = await host.NewPageAsync();
        var cancelled = await SignInThroughProviderAsync(page, "anna", cancel: true);
        Assert.Equal(403, cancelled!.Status);
        Assert.EndsWith("?grund=abgebrochen", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("wurde abgebrochen oder dort abgelehnt");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Starten Sie die Anmeldung neu.");
        await PageChecks.AssertGoodAsync(page, "ws-oidc-cancelled");

        // The state changed on its way through the provider: the workspace does not accept the answer.
        var tampered = await host.NewPageAsync();
        tampered.Context.SetDefaultTimeout(30_000);
        await tampered.GotoAsync("/arbeitsplatz/anmelden");
        await tampered.ClickAsync("#unternehmenskonto");
        await tampered.WaitForURLAsync(new Regex("/connect/authorize"));
        await tampered.EvalOnSelectorAsync("input[name=state]", "e => e.value = e.value.slice(0, -6) + 'AAAAAA'");
        await tampered.FillAsync("#login", "anna");
        var failed = await LandAsync(tampered, () => tampered.ClickAsync("#anmelden"), new Regex("/arbeitsplatz/zugriff-verweigert"));
        Assert.Equal(403, failed!.Status);
        Assert.EndsWith("?grund=fehler", tampered.Url, StringComparison.Ordinal);
        await Assertions.Expect(tampered.Locator("main")).ToContainTextAsync("Die Anmeldung mit dem Unternehmenskonto ist fehlgeschlagen.");
        await PageChecks.AssertGoodAsync(tampered, "ws-oidc-failed");
        await tampered.GotoAsync("/arbeitsplatz");
        Assert.Contains("/arbeitsplatz/anmelden", tampered.Url, StringComparison.Ordinal);

        // Forged or replayed callbacks, and the last step without an answer: the same page, never a 500.
        foreach (var forged in new[]
        {
            WorkspacePaths.OidcCallback,
            WorkspacePaths.OidcCallback + "?code=abc&state=xyz",
            WorkspacePaths.OidcCallback + "?error=server_error&error_description=kaputt&state=xyz",
            WorkspacePaths.OidcCallback + "?code=%00%ff&state=" + new string('A', 5000),
            WorkspacePaths.OidcDone,
            WorkspacePaths.OidcDone + "?returnUrl=https://example.org/",
        })
        {
            var other = await host.NewPageAsync();
            var response = await other.GotoAsync(forged);
            Assert.True(response!.Status == 403, $"{forged}: {response.Status}");
            await Assertions.Expect(other.Locator("main")).ToContainTextAsync("fehlgeschlagen");
            await other.Context.CloseAsync();
        }

        await using (var db = host.NewContext())
        {
            Assert.False(await db.StaffAccounts.AnyAsync(a => a.ExternalSubject != null));
        }
        var audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.StaffSignInFailed && e.ReasonCode == "oidc-cancelled");
        Assert.Contains(audit, e => e.Action == AuditAction.StaffSignInFailed && e.ReasonCode == "oidc-failed");
        Assert.DoesNotContain(audit, e => e.Action == AuditAction.StaffSignedIn);
    }
}
