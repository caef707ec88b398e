using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Caller;

/// <summary>Every role × every page of the caller screen, counter and approvals: allowed (200) or forbidden (403).</summary>
public sealed class AgentRoleMatrixTests(Chromium chromium)
{
    private static readonly (string Path, string[] Allowed)[] Pages =
    [
        ("/arbeitsplatz/anrufer", [StaffRoles.Agent, StaffRoles.Counter, StaffRoles.Supervisor]),
        ("/arbeitsplatz/anrufer/ereignisse?call=matrix-1", [StaffRoles.Agent, StaffRoles.Counter, StaffRoles.Supervisor]),
        ("/arbeitsplatz/schalter", [StaffRoles.Counter, StaffRoles.Supervisor]),
        ("/arbeitsplatz/freigaben", [StaffRoles.Supervisor]),
    ];

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Each_role_opens_exactly_the_pages_its_policy_allows(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var person = await AgentData.AddPersonAsync(host);
        using var ivr = await AgentData.ApiAsync(host);
        await AgentData.VerifyByIvrAsync(ivr, person, "matrix-1");
        foreach (var role in StaffRoles.All)
        {
            var page = await host.NewPageAsync();
            await host.SignInAsync(page, role);
            foreach (var (path, allowed) in Pages)
            {
                var response = await page.Context.APIRequest.GetAsync(host.Url(path), new() { MaxRedirects = 0 });
                var expected = allowed.Contains(role) ? 200 : 403;
                Assert.True(expected == response.Status, $"{role} {path}: {response.Status}, expected {expected}");
            }
            await page.Context.CloseAsync();
        }
    }
}
