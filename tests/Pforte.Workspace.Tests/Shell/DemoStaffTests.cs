using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using Pforte.Core.Audit;
using Pforte.Core.Demo;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Shell;

/// <summary>The demo seed's staff accounts open the workspace with what docs/demo-data.md says (password and key).</summary>
public sealed class DemoStaffTests(Chromium chromium)
{
    /// <summary>As documented in docs/demo-data.md and README (not taken from the code: a change there must show here).</summary>
    private const string DocumentedPassword = "Pforte-Demo-Arbeitsplatz-2026";
    private const string DocumentedKey = "KBTG64TUMVCGK3LPKN2GCZTGFUZDAMRW";

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_demo_agent_signs_in_with_the_documented_password_and_authenticator_key(string provider)
    {
        await using var host = await PforteHost.StartAsync(provider, withKasse: false);
        await using (var scope = host.Scope())
        {
            var seeded = await scope.ServiceProvider.GetRequiredService<SeedDemoData>().ExecuteAsync(20, AuditContext.System("test"), TestContext.Current.CancellationToken);
            Assert.True(seeded.IsSuccess);
        }
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/arbeitsplatz/anmelden");
        await page.FillAsync("#benutzername", "demo.telefon");
        await page.FillAsync("#passwort", DocumentedPassword);
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await page.WaitForURLAsync("**/arbeitsplatz/anmelden/code");
        await page.FillAsync("#totp", new Totp(Base32Encoding.ToBytes(DocumentedKey)).ComputeTotp(DateTime.UtcNow));
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await page.WaitForURLAsync(new Regex("/arbeitsplatz$"));
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Guten Tag, Demo Telefon.");
        await Assertions.Expect(page.Locator("main ul.kern-list li")).ToHaveTextAsync(new Regex("^Telefon"));
        await PageChecks.AssertGoodAsync(page, $"ws-demo-agent-{provider}");
        Assert.Equal(200, (await page.GotoAsync(WorkspacePaths.Caller))!.Status);
        Assert.Equal(403, (await page.GotoAsync(WorkspacePaths.AuditSearch))!.Status);
    }
}
