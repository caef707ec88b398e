using Microsoft.Playwright;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Tests.Auditor;

/// <summary>
/// Every page of the back office, the auditor and the admin catalogue × every role: opens (200) or 403 — and an
/// auditor's POST to any of them, and to the other workspace pages, is 403.
/// </summary>
public sealed class RoleMatrixTests(Chromium chromium)
{
    public static readonly IReadOnlyList<(string Path, string Policy)> Pages =
    [
        (WorkspacePaths.Mailbox, WorkspacePolicies.BackOffice),
        (WorkspacePaths.ContactRequests, WorkspacePolicies.BackOffice),
        (WorkspacePaths.ReturnedMail, WorkspacePolicies.BackOffice),
        (WorkspacePaths.BatchReissue, WorkspacePolicies.BackOffice),
        (WorkspacePaths.LetterSamples, WorkspacePolicies.BackOffice),
        ("/arbeitsplatz/backoffice/postfach-vorgang?id=0f8fad5bd9cb469fa16570867728950e", WorkspacePolicies.BackOffice),
        ("/arbeitsplatz/backoffice/kontaktformular-eingang?id=0f8fad5bd9cb469fa16570867728950e", WorkspacePolicies.BackOffice),
        (WorkspacePaths.AuditSearch, WorkspacePolicies.Auditor),
        (WorkspacePaths.AuditChain, WorkspacePolicies.Auditor),
        (WorkspacePaths.AuditAlarms, WorkspacePolicies.Auditor),
        (WorkspacePaths.Channels, WorkspacePolicies.Admin),
        (WorkspacePaths.Branches, WorkspacePolicies.Admin),
        ("/arbeitsplatz/verwaltung/beratungscenter-bearbeiten?id=0f8fad5bd9cb469fa16570867728950e", WorkspacePolicies.Admin),
    ];

    [Fact]
    public async Task Every_role_opens_exactly_the_pages_of_its_policies_and_the_auditor_posts_nothing()
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, "sqlite");
        foreach (var role in StaffRoles.All)
        {
            var page = await host.NewPageAsync();
            await host.SignInAsync(page, role);
            foreach (var (path, policy) in Pages)
            {
                var response = await page.Context.APIRequest.GetAsync(host.Url(path), new() { MaxRedirects = 0 });
                var allowed = WorkspacePolicies.Allows(policy, new HashSet<string> { role });
                if (allowed)
                {
                    // Allowed: the page, or 404 for an id that does not exist — never 403, never a redirect to sign-in.
                    Assert.True(response.Status is 200 or 404, $"{role} GET {path}: {response.Status}");
                }
                else
                {
                    Assert.True(response.Status == 403, $"{role} GET {path}: {response.Status}, expected 403");
                }
            }
            if (role == StaffRoles.Auditor)
            {
                foreach (var path in Pages.Select(p => p.Path).Append("/arbeitsplatz").Append(WorkspacePaths.StaffAdmin).Append(WorkspacePaths.ApiClients))
                {
                    var post = await page.Context.APIRequest.PostAsync(host.Url(path), new() { MaxRedirects = 0, Form = page.Context.APIRequest.CreateFormData() });
                    Assert.True(post.Status == 403, $"auditor POST {path}: {post.Status}, expected 403");
                }
            }
            await page.Context.CloseAsync();
        }
    }
}
