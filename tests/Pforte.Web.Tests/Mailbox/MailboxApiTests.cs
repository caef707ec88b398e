using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox;
using Pforte.Core.Portal;
using Pforte.Testing;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Mailbox;

public sealed class MailboxApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Staff_work_a_team_inbox_through_the_api_and_the_reply_reaches_the_persons_mailbox(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var person = await h.AddPersonAsync();
        MailboxActor actor;
        Guid threadId;
        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            var context = PortalAudit.Context(person.Id, null, "198.51.100.7", "s1");
            var login = await scope.ServiceProvider.GetRequiredService<RecordAuthentication>().PortalLoginAsync(h.Kasse.Id, Guid.CreateVersion7(),
                new PortalLoginInput(person.Kvnr, [PortalLoginFactors.Password, PortalLoginFactors.Totp], "s1", null), context, Ct);
            actor = new MailboxActor(h.Kasse.Id, person.Id, null, login.Value.Id, context);
            threadId = (await scope.ServiceProvider.GetRequiredService<PersonMailbox>().StartAsync(actor, RequestKinds.InsuranceStatus, "Mitgliedsbescheinigung",
                "Bitte senden Sie mir eine Bescheinigung.", [], Ct)).Value;
        }

        var inbox = await h.Staff.GetFromJsonAsync<JsonElement>("/api/v1/mailbox/teams/insurance-status/threads", Ct);
        var line = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal((threadId, "new", "Mitgliedsbescheinigung"), (line.GetProperty("id").GetGuid(), line.GetProperty("status").GetString(), line.GetProperty("subject").GetString()));

        var noStaff = await h.Staff.GetAsync($"/api/v1/mailbox/threads/{threadId}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noStaff.StatusCode);
        Assert.Equal(ErrorCodes.MailboxStaffIdInvalid, await CodeAsync(noStaff));
        var opened = await h.Staff.GetFromJsonAsync<JsonElement>($"/api/v1/mailbox/threads/{threadId}?staffId=agent-1", Ct);
        Assert.Equal("Bitte senden Sie mir eine Bescheinigung.", opened.GetProperty("messages")[0].GetProperty("body").GetString());

        var assigned = await h.Staff.PostAsJsonAsync($"/api/v1/mailbox/threads/{threadId}/assignment", new { staffId = "agent-1", assignTo = "agent-2" }, Ct);
        Assert.Equal("in-progress", (await assigned.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await h.Staff.PostAsJsonAsync($"/api/v1/mailbox/threads/{threadId}/notes", new { staffId = "agent-2", text = "Intern" }, Ct)).StatusCode);
        var reply = await h.Staff.PostAsJsonAsync($"/api/v1/mailbox/threads/{threadId}/replies", new { staffId = "agent-2", body = "Die Bescheinigung kommt per Post." }, Ct);
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var badStatus = await h.Staff.PostAsJsonAsync($"/api/v1/mailbox/threads/{threadId}/status", new { staffId = "agent-2", status = "erledigt" }, Ct);
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.MailboxStatusInvalid), (badStatus.StatusCode, await CodeAsync(badStatus)));

        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            var view = (await scope.ServiceProvider.GetRequiredService<PersonMailbox>().ReadAsync(actor, threadId.ToString(), Ct)).Value;
            Assert.Equal("Die Bescheinigung kommt per Post.", view.Messages[^1].Body);
            Assert.Equal(ThreadStatus.Answered, view.Status);
            Assert.DoesNotContain(view.Messages, m => m.Body == "Intern");
        }

        foreach (var id in new[] { Guid.CreateVersion7().ToString(), "nicht-da" })
        {
            var missing = await h.Staff.GetAsync($"/api/v1/mailbox/threads/{id}?staffId=agent-1", Ct);
            Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.MailboxNotFound), (missing.StatusCode, await CodeAsync(missing)));
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Ivr.GetAsync("/api/v1/mailbox/teams/insurance-status/threads", Ct)).StatusCode);

        var document = await h.Staff.PostAsJsonAsync($"/api/v1/insured/{person.Kvnr}/mailbox/documents",
            new { subject = "Bescheid", fileName = "b.pdf", content = Convert.ToBase64String("%PDF-1.4\n%%EOF"u8.ToArray()) }, Ct);
        Assert.Equal((HttpStatusCode.Conflict, ErrorCodes.MailboxNoElectronicDelivery), (document.StatusCode, await CodeAsync(document)));
        var notBase64 = await h.Staff.PostAsJsonAsync($"/api/v1/insured/{person.Kvnr}/mailbox/documents", new { subject = "Bescheid", fileName = "b.pdf", content = "%%%" }, Ct);
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.MailboxFileNotBase64), (notBase64.StatusCode, await CodeAsync(notBase64)));
        // No content in the log output.
        Assert.DoesNotContain(h.Factory.Logs.Entries, l => l.Message.Contains("Bescheinigung", StringComparison.Ordinal));
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
}
