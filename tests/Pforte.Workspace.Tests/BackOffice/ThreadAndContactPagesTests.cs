using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.ContactForm;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox;
using Pforte.Core.Staff;
using Pforte.Testing;
using Pforte.Workspace.Tests.Caller;

namespace Pforte.Workspace.Tests.BackOffice;

/// <summary>
/// The two back office detail pages in Chromium on both databases, every state axe clean (desktop and 320 px, with
/// screenshots) and the main actions done by keyboard: one mailbox Vorgang (assign, reply with a template, internal
/// note, status, due date) and one contact request (authenticate by details, then answered and closed).
/// </summary>
public sealed class ThreadAndContactPagesTests(Chromium chromium)
{
    private const string Reply = "form[action*='handler=reply'] button[type=submit]";
    private const string Note = "form[action*='handler=note'] button[type=submit]";
    private const string Assign = "form[action*='handler=assign'] button[type=submit]";
    private const string Status = "form[action*='handler=status'] button[type=submit]";
    private const string Due = "form[action*='handler=due'] button[type=submit]";

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Back_office_works_a_mailbox_thread_assign_reply_with_template_note_status_and_due_date(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var person = await AgentData.AddPersonAsync(host);
        var (actor, threadId) = await StartThreadAsync(host, person.Id, person.Kvnr);
        await using (var scope = host.Scope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<StaffMailbox>().CreateTemplateAsync(host.Kasse.Id, "vorlagen.admin", "Bescheinigung folgt",
                RequestKinds.InsuranceStatus, "Die Bescheinigung kommt in den nächsten Tagen per Post.", AuditContext.System("test"));
            Assert.True(created.IsSuccess, created.Error?.ToString());
        }
        var page = await host.NewPageAsync();
        var staff = await host.SignInAsync(page, StaffRoles.BackOffice);

        // The team inbox lists it; the keyboard opens it.
        await page.GotoAsync($"/arbeitsplatz/backoffice/postfach?thema={RequestKinds.InsuranceStatus}");
        await Assertions.Expect(page.Locator("main table")).ToContainTextAsync("Mitgliedsbescheinigung");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-mailbox-list-{provider}");
        await PageChecks.TabAndEnterAsync(page, "main table a.kern-link");
        await page.WaitForURLAsync($"**/postfach-vorgang?id={threadId:N}");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Bitte senden Sie mir eine Bescheinigung.");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Keine Notizen.");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-thread-{provider}");

        // Validation errors, each at its field: an empty reply, an empty note, a due date in the past, a status the
        // thread cannot take (refused).
        await page.ClickAsync(Reply);
        await Assertions.Expect(page.Locator("#antwort-fehler")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-bo-thread-reply-error-{provider}");
        await page.GotoAsync($"/arbeitsplatz/backoffice/postfach-vorgang?id={threadId:N}");
        await page.ClickAsync(Note);
        await Assertions.Expect(page.Locator("#notiz-fehler")).ToBeVisibleAsync();
        await page.GotoAsync($"/arbeitsplatz/backoffice/postfach-vorgang?id={threadId:N}");
        await page.FillAsync("#faellig", "2020-01-01");
        await page.ClickAsync(Due);
        await Assertions.Expect(page.Locator("#faellig-fehler")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-bo-thread-due-error-{provider}");
        await page.GotoAsync($"/arbeitsplatz/backoffice/postfach-vorgang?id={threadId:N}");
        await page.SelectOptionAsync("#neuerstatus", "new");
        await page.ClickAsync(Status);
        await Assertions.Expect(page.Locator("#neuerstatus-fehler")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-bo-thread-status-refused-{provider}");
        await page.GotoAsync($"/arbeitsplatz/backoffice/postfach-vorgang?id={threadId:N}");

        // Assign (keyboard: type, Tab to the button, Enter): the thread is in progress and names the colleague.
        await page.FillAsync("#zuweisen", "kollegin.7");
        await PageChecks.TabAndEnterAsync(page, Assign);
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("Zuweisung gespeichert.");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("kollegin.7");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("in Bearbeitung");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-thread-assigned-{provider}");

        // Due date.
        var due = DateTime.UtcNow.AddDays(10);
        await page.FillAsync("#faellig", due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await PageChecks.TabAndEnterAsync(page, Due);
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("Fälligkeit gespeichert.");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(due.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture));

        // Internal note.
        await page.FillAsync("#notiz", "Rückruf am Montag vereinbart");
        await PageChecks.TabAndEnterAsync(page, Note);
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("Notiz gespeichert.");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Rückruf am Montag vereinbart");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-thread-note-{provider}");

        // Reply with the template and a line of its own.
        await page.SelectOptionAsync("#vorlage", new SelectOptionValue { Label = "Bescheinigung folgt" });
        await page.FillAsync("#antwort", "Mit freundlichen Grüßen");
        await PageChecks.TabAndEnterAsync(page, Reply);
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("Antwort gesendet.");
        await Assertions.Expect(page.Locator("main .pforte-ws-messages")).ToContainTextAsync("Die Bescheinigung kommt in den nächsten Tagen per Post.");
        await Assertions.Expect(page.Locator("main .pforte-ws-messages")).ToContainTextAsync("Mit freundlichen Grüßen");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("beantwortet");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-thread-replied-{provider}");

        // Status: closed; afterwards a status change is refused (closed is final).
        await page.SelectOptionAsync("#neuerstatus", "closed");
        await PageChecks.TabAndEnterAsync(page, Status);
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("Status gespeichert.");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("abgeschlossen");
        await page.SelectOptionAsync("#neuerstatus", "in-progress");
        await page.ClickAsync(Status);
        await Assertions.Expect(page.Locator("#neuerstatus-fehler")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-bo-thread-closed-refused-{provider}");

        // An unknown thread is a 404 page, not an error.
        Assert.Equal(404, (await page.GotoAsync("/arbeitsplatz/backoffice/postfach-vorgang?id=0f8fad5bd9cb469fa16570867728950e"))!.Status);

        // The person sees the reply, never the note; every step is recorded with the staff member, no content.
        await using (var scope = host.Scope())
        {
            var view = (await scope.ServiceProvider.GetRequiredService<PersonMailbox>().ReadAsync(actor, threadId.ToString())).Value;
            Assert.Contains(view.Messages, m => m.FromKasse && m.Body.Contains("Mit freundlichen Grüßen", StringComparison.Ordinal));
            Assert.DoesNotContain(view.Messages, m => m.Body.Contains("Rückruf", StringComparison.Ordinal));
        }
        var audit = (await host.AuditAsync()).Where(e => e.ActorId == staff.ActorId).ToList();
        foreach (var action in new[] { AuditAction.MailboxAssigned, AuditAction.MailboxDueChanged, AuditAction.MailboxNoteAdded, AuditAction.MailboxStaffReplied, AuditAction.MailboxStatusChanged })
        {
            Assert.Contains(audit, e => e.Action == action && e.Channel == "backoffice" && e.ActorKind == ActorKind.Staff);
        }
        Assert.All(audit, e =>
        {
            Assert.DoesNotContain("Rückruf", e.Details ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("Grüßen", e.Details ?? "", StringComparison.Ordinal);
        });
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Back_office_authenticates_a_contact_request_by_its_details_then_marks_it_answered_and_closes_it(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var person = await AgentData.AddPersonAsync(host);
        string receipt;
        await using (var scope = host.Scope())
        {
            var submitted = await scope.ServiceProvider.GetRequiredService<SubmitContactRequest>().ExecuteAsync(host.Kasse.Id,
                new ContactSubmission("general-information", "Jürgen", "Groß", "12.04.1971", person.Kvnr, "Schloßallee", "3", "35037", "Marburg",
                    "Bitte rufen Sie mich wegen meiner Beiträge zurück.", []),
                new AuditContext(ActorKind.Insured, "portal:visitor", "contact-form", SourceIp: "198.51.100.9"));
            Assert.True(submitted.IsSuccess, submitted.Error?.ToString());
            receipt = submitted.Value;
        }
        var page = await host.NewPageAsync();
        var staff = await host.SignInAsync(page, StaffRoles.BackOffice);

        // The inbox lists it (no content); the keyboard opens it.
        await page.GotoAsync("/arbeitsplatz/backoffice/kontaktformular");
        await Assertions.Expect(page.Locator("main table")).ToContainTextAsync(receipt);
        await Assertions.Expect(page.Locator("main table")).Not.ToContainTextAsync("Groß");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-contact-list-{provider}");
        await PageChecks.TabAndEnterAsync(page, "main table a.kern-link");
        await page.WaitForURLAsync("**/kontaktformular-eingang?id=*");
        var detail = page.Url;
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(receipt);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Bitte rufen Sie mich wegen meiner Beiträge zurück.");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-contact-detail-{provider}");

        // Validation error: no KVNR. Refused: nothing ticked matches (too few details), nothing linked.
        await page.FillAsync("#kvnr", "");
        await page.ClickAsync("form[action*='handler=match'] button[type=submit]");
        await Assertions.Expect(page.Locator("#kvnr-fehler")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-bo-contact-match-error-{provider}");
        await page.GotoAsync(detail);
        await page.ClickAsync("form[action*='handler=match'] button[type=submit]");
        await Assertions.Expect(page.Locator(".pforte-error-summary, #kvnr-fehler").First).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-bo-contact-match-refused-{provider}");

        // Authenticate by details, by keyboard: Space ticks, Enter submits.
        await page.GotoAsync(detail);
        foreach (var box in new[] { "#name", "#anschrift", "#kvnrgleich" })
        {
            await page.FocusAsync(box);
            await page.Keyboard.PressAsync("Space");
        }
        await PageChecks.TabAndEnterAsync(page, "form[action*='handler=match'] button[type=submit]");
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("Angaben abgeglichen");
        await Assertions.Expect(page.Locator("form[action*='handler=match']")).ToHaveCountAsync(0);
        await PageChecks.AssertGoodAsync(page, $"ws-bo-contact-matched-{provider}");

        // The answer goes by letter or into the mailbox; the request is marked answered, then closed.
        await PageChecks.TabAndEnterAsync(page, "form[action*='handler=answered'] button");
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("Als beantwortet markiert.");
        await PageChecks.AssertGoodAsync(page, $"ws-bo-contact-answered-{provider}");
        await PageChecks.TabAndEnterAsync(page, "form[action*='handler=close'] button");
        await Assertions.Expect(page.Locator("main [role=status]")).ToContainTextAsync("Abgeschlossen.");
        // Closed is final: marking it answered again is refused, with the German sentence.
        await page.ClickAsync("form[action*='handler=answered'] button");
        await Assertions.Expect(page.Locator(".pforte-error-summary")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-bo-contact-closed-refused-{provider}");

        // Matched through a written authentication the workspace recorded: the staff member's, no client.
        await using var db = host.NewContext();
        var request = await db.Set<ContactRequest>().AsNoTracking().SingleAsync(r => r.ReceiptNumber == receipt);
        Assert.Equal(person.Id, request.MatchedPersonId);
        Assert.Equal(ContactRequestStatus.Closed, request.Status);
        var authentication = await db.Authentications.AsNoTracking().SingleAsync(a => a.PersonId == person.Id && a.Channel == Channels.ContactForm);
        Assert.Null(authentication.ClientId);
        Assert.NotNull(authentication.StaffId);
        var audit = (await host.AuditAsync()).Where(e => e.ActorId == staff.ActorId).ToList();
        foreach (var action in new[] { AuditAction.WrittenRefused, AuditAction.WrittenAuthenticated, AuditAction.ContactRequestAnswered, AuditAction.ContactRequestClosed })
        {
            Assert.Contains(audit, e => e.Action == action && e.ActorKind == ActorKind.Staff);
        }
        Assert.All(audit, e => Assert.DoesNotContain("Beiträge", e.Details ?? "", StringComparison.Ordinal));
        await AgentData.AssertNoClientAsync(host, person.Id, staff.ActorId);
    }

    /// <summary>The person writes in the portal's mailbox (after a portal login), as a thread of the team "insurance-status".</summary>
    private static async Task<(MailboxActor Actor, Guid ThreadId)> StartThreadAsync(WorkspaceHost host, Guid personId, string kvnr)
    {
        await using var scope = host.Scope();
        var context = new AuditContext(ActorKind.Insured, "portal:" + personId, "portal", SourceIp: "198.51.100.7");
        var login = await scope.ServiceProvider.GetRequiredService<RecordAuthentication>().PortalLoginAsync(host.Kasse.Id, Guid.CreateVersion7(),
            new PortalLoginInput(kvnr, [PortalLoginFactors.Password, PortalLoginFactors.Totp], "s1", null), context);
        Assert.True(login.IsSuccess, login.Error?.ToString());
        var actor = new MailboxActor(host.Kasse.Id, personId, null, login.Value.Id, context);
        var thread = await scope.ServiceProvider.GetRequiredService<PersonMailbox>().StartAsync(actor, RequestKinds.InsuranceStatus, "Mitgliedsbescheinigung",
            "Bitte senden Sie mir eine Bescheinigung.", []);
        Assert.True(thread.IsSuccess, thread.Error?.ToString());
        return (actor, thread.Value);
    }
}
