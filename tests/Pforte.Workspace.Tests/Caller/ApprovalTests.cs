using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Caller;

/// <summary>Four eyes (issue 14, item 7): a re-issue beyond the automatic cap waits for a second staff member of the supervisor role.</summary>
public sealed class ApprovalTests(Chromium chromium)
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Beyond_the_cap_a_supervisor_who_did_not_ask_approves_and_the_requester_cannot(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider, new Dictionary<string, string?> { ["Pforte:AuthCodes:AutoReissueCap"] = "0" });
        var person = await AgentData.AddPersonAsync(host);
        using var ivr = await AgentData.ApiAsync(host);
        await AgentData.VerifyByIvrAsync(ivr, person, "call-31");

        // A supervisor on the caller screen asks for it (the cap is 0: every staff re-issue needs a second pair of eyes).
        var first = await host.NewPageAsync();
        await host.SignInAsync(first, StaffRoles.Supervisor);
        await first.GotoAsync("/arbeitsplatz/anrufer?call=call-31");
        await Assertions.Expect(first.Locator("main")).ToContainTextAsync("muss die Teamleitung freigeben");
        await first.FillAsync("#grund", "Brief zweimal verloren");
        await first.ClickAsync("form[action*='handler=Reissue'] button[type=submit]");
        await Assertions.Expect(first.Locator("main")).ToContainTextAsync("wartet auf die Freigabe der Teamleitung");
        await PageChecks.AssertGoodAsync(first, $"ws-caller-reissue-pending-{provider}");

        // The same supervisor cannot approve it.
        await first.GotoAsync("/arbeitsplatz/freigaben");
        await Assertions.Expect(first.Locator("#freigaben")).ToContainTextAsync("Brief zweimal verloren");
        await Assertions.Expect(first.Locator("#freigaben")).ToContainTextAsync("Ihre eigene Anforderung");
        await PageChecks.AssertGoodAsync(first, $"ws-approvals-own-{provider}");
        await first.ClickAsync($"button:has-text('Freigeben ({person.Kvnr})')");
        await Assertions.Expect(first.Locator(".kern-alert, .kern-error").First).ToContainTextAsync("zweite Person");
        await PageChecks.AssertGoodAsync(first, $"ws-approvals-refused-{provider}");

        // An agent cannot open the page at all.
        var agent = await host.NewPageAsync();
        await host.SignInAsync(agent, StaffRoles.Agent);
        var denied = await agent.GotoAsync("/arbeitsplatz/freigaben");
        Assert.Equal(403, denied!.Status);

        // A second supervisor approves.
        var second = await host.NewPageAsync();
        await host.SignInAsync(second, StaffRoles.Supervisor);
        await second.GotoAsync("/arbeitsplatz/freigaben");
        await PageChecks.TabToAsync(second, "#freigaben button[name=approve][value=true]");
        await second.Keyboard.PressAsync("Enter");
        await Assertions.Expect(second.Locator("main")).ToContainTextAsync("Freigegeben");
        await Assertions.Expect(second.Locator("main")).ToContainTextAsync("Keine offenen Freigaben");
        await PageChecks.AssertGoodAsync(second, $"ws-approvals-done-{provider}");

        var audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.CodeReissueRequested && e.SubjectPersonId == person.Id);
        Assert.Contains(audit, e => e.Action == AuditAction.CodeReissueFourEyesRefused && e.ReasonCode == "same-staff");
        Assert.Contains(audit, e => e.Action == AuditAction.CodeReissueApproved && e.SubjectPersonId == person.Id);
        Assert.Contains(audit, e => e.Action == AuditAction.CodeReissuedByStaff && e.SubjectPersonId == person.Id);
    }
}
