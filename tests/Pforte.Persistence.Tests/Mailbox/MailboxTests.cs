using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Common.Keys;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Persistence.Tests.History;
using Pforte.Testing;
using static Pforte.Persistence.Tests.Mailbox.MailboxHarness;

namespace Pforte.Persistence.Tests.Mailbox;

public sealed class MailboxTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_writes_the_team_answers_and_the_person_reads_the_answer(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var actor = await LoginAsync(h, person);

        var topics = await PersonAsync(h, m => m.WritableTopicsAsync(actor, Ct));
        Assert.Contains(RequestKinds.InsuranceStatus, topics);
        var threadId = (await PersonAsync(h, m => m.StartAsync(actor, RequestKinds.InsuranceStatus, "Frage zum Beitrag", "Guten Tag,\nwarum steigt mein Beitrag?", [], Ct))).Value;

        var team = (await StaffAsync(h, m => m.TeamInboxAsync(h.KasseId, new TeamInboxQuery(RequestKinds.InsuranceStatus), Ct))).Value;
        var line = Assert.Single(team.Items);
        Assert.Equal((threadId, "Frage zum Beitrag", ThreadStatus.New, true, person.Kvnr), (line.Id, line.Subject, line.Status, line.Unread, line.Kvnr));
        Assert.Empty((await StaffAsync(h, m => m.TeamInboxAsync(h.KasseId, new TeamInboxQuery(RequestKinds.AddressChange), Ct))).Value.Items);

        Assert.Equal(ThreadStatus.InProgress, (await StaffAsync(h, m => m.AssignAsync(h.KasseId, "agent-7", threadId.ToString(), "agent-7", Staff, Ct))).Value);
        var opened = (await StaffAsync(h, m => m.ReadAsync(h.KasseId, "agent-7", threadId.ToString(), Staff, Ct))).Value;
        Assert.Equal("Guten Tag,\nwarum steigt mein Beitrag?", Assert.Single(opened.Messages).Body);
        await StaffAsync(h, m => m.AddNoteAsync(h.KasseId, "agent-7", threadId.ToString(), "Intern: Beitragsbescheid prüfen", Staff, Ct));
        var template = (await StaffAsync(h, m => m.CreateTemplateAsync(h.KasseId, "agent-7", "Gruß", null, "Mit freundlichen Grüßen\nIhre Kasse", Staff, Ct))).Value;
        var reply = await StaffAsync(h, m => m.ReplyAsync(h.KasseId, "agent-7", threadId.ToString(), "Der Zusatzbeitrag ist gestiegen.", template.ToString(), [], Staff, Ct));
        Assert.True(reply.IsSuccess, reply.Error?.ToString());

        var inbox = (await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(), Ct))).Value;
        var summary = Assert.Single(inbox.Items);
        Assert.Equal((1, true, true, ThreadStatus.Answered, 2), (inbox.Unread, summary.Unread, summary.LastFromKasse, summary.Status, summary.MessageCount));
        var view = (await PersonAsync(h, m => m.ReadAsync(actor, threadId.ToString(), Ct))).Value;
        Assert.Equal(2, view.Messages.Count);
        Assert.True(view.Messages[1].FromKasse);
        Assert.StartsWith("Mit freundlichen Grüßen\nIhre Kasse\n\nDer Zusatzbeitrag", view.Messages[1].Body, StringComparison.Ordinal);
        Assert.DoesNotContain(view.Messages, m => m.Body.Contains("Intern", StringComparison.Ordinal)); // notes are staff-only
        Assert.True(view.MayReply);
        Assert.Equal(0, (await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(), Ct))).Value.Unread);

        // The person's reply re-opens the thread for the team.
        var again = await PersonAsync(h, m => m.ReplyAsync(actor, threadId.ToString(), "Danke, noch eine Frage.", [], Ct));
        Assert.True(again.IsSuccess, again.Error?.ToString());
        line = Assert.Single((await StaffAsync(h, m => m.TeamInboxAsync(h.KasseId, new TeamInboxQuery(RequestKinds.InsuranceStatus), Ct))).Value.Items);
        Assert.Equal((ThreadStatus.InProgress, "agent-7"), (line.Status, line.AssignedTo));
        Assert.Equal(ThreadStatus.Closed, (await StaffAsync(h, m => m.SetStatusAsync(h.KasseId, "agent-7", threadId.ToString(), "closed", Staff, Ct))).Value);
        Assert.Equal(ErrorCodes.MailboxClosed, (await StaffAsync(h, m => m.SetStatusAsync(h.KasseId, "agent-7", threadId.ToString(), "answered", Staff, Ct))).Error?.Code);

        await using var db = h.Db.NewContext();
        var entries = await db.AuditEntries.Where(e => (int)e.Action >= 8001 && (int)e.Action <= 8049).ToListAsync(Ct);
        Assert.Contains(entries, e => e.Action == AuditAction.MailboxThreadViewedByStaff && e.Details!.Contains(threadId.ToString(), StringComparison.Ordinal)
            && e.Details.Contains("agent-7", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Action == AuditAction.MailboxThreadStarted);
        Assert.Contains(entries, e => e.Action == AuditAction.MailboxStaffReplied);
        // Never any content in the audit record.
        Assert.DoesNotContain(entries, e => (e.Details ?? "").Contains("Beitrag", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Another_persons_thread_a_malformed_id_and_a_deleted_thread_answer_the_same_not_found(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var anna = await h.PersonAsync("Anna", "Alt");
        var bernd = await h.PersonAsync("Bernd", "Bau");
        var annaActor = await LoginAsync(h, anna);
        var berndActor = await LoginAsync(h, bernd);
        var annas = (await PersonAsync(h, m => m.StartAsync(annaActor, RequestKinds.GeneralInformation, "Meins", "Text", [], Ct))).Value;
        var deleted = (await PersonAsync(h, m => m.StartAsync(berndActor, RequestKinds.GeneralInformation, "Weg", "Text", [], Ct))).Value;
        await using (var db = h.Db.NewContext())
        {
            await db.MailboxThreads.Where(t => t.Id == deleted).ExecuteDeleteAsync(Ct);
        }
        foreach (var id in new[] { annas.ToString(), deleted.ToString(), "kein-guid", "", null, Guid.Empty.ToString(), new string('1', 5000) })
        {
            Assert.Equal(ErrorCodes.MailboxNotFound, (await PersonAsync(h, m => m.ReadAsync(berndActor, id, Ct))).Error?.Code);
            Assert.Equal(ErrorCodes.MailboxNotFound, (await PersonAsync(h, m => m.ReplyAsync(berndActor, id, "x", [], Ct))).Error?.Code);
            Assert.Equal(ErrorCodes.MailboxNotFound, (await PersonAsync(h, m => m.SetArchivedAsync(berndActor, id, true, Ct))).Error?.Code);
            Assert.Equal(ErrorCodes.MailboxNotFound, (await PersonAsync(h, m => m.AttachmentAsync(berndActor, id, Guid.NewGuid().ToString(), Ct))).Error?.Code);
        }
        Assert.Equal(ErrorCodes.MailboxNotFound, (await PersonAsync(h, m => m.AttachmentAsync(annaActor, annas.ToString(), Guid.NewGuid().ToString(), Ct))).Error?.Code);
        Assert.Empty((await PersonAsync(h, m => m.ListAsync(berndActor, new InboxQuery(), Ct))).Value.Items);
        Assert.Equal("Text", Assert.Single((await PersonAsync(h, m => m.ReadAsync(annaActor, annas.ToString(), Ct))).Value.Messages).Body);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Bad_input_is_refused_with_its_code_and_stores_nothing(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var actor = await LoginAsync(h, person);
        var cases = new (string? Topic, string? Subject, string? Body, string Code)[]
        {
            ("weather", "Betreff", "Text", ErrorCodes.MailboxTopicUnknown),
            (null, "Betreff", "Text", ErrorCodes.MailboxTopicUnknown),
            (RequestKinds.PortalRegistration, "Betreff", "Text", ErrorCodes.MailboxTopicUnknown),
            (RequestKinds.InsuranceStatus, "", "Text", ErrorCodes.MailboxSubjectLength),
            (RequestKinds.InsuranceStatus, "   ", "Text", ErrorCodes.MailboxSubjectLength),
            (RequestKinds.InsuranceStatus, new string('a', 201), "Text", ErrorCodes.FieldTooLong),
            (RequestKinds.InsuranceStatus, "Be\ntreff", "Text", ErrorCodes.InputForbiddenCharacter),
            (RequestKinds.InsuranceStatus, "Betreff\u202E", "Text", ErrorCodes.InputForbiddenCharacter),
            (RequestKinds.InsuranceStatus, "Betreff", null, ErrorCodes.MailboxBodyLength),
            (RequestKinds.InsuranceStatus, "Betreff", " \n \r\n ", ErrorCodes.MailboxBodyLength),
            (RequestKinds.InsuranceStatus, "Betreff", new string('x', 20_001), ErrorCodes.FieldTooLong),
            (RequestKinds.InsuranceStatus, "Betreff", "Null\0Byte", ErrorCodes.InputForbiddenCharacter),
            (RequestKinds.InsuranceStatus, "Betreff", "Escape\u001b[31m", ErrorCodes.InputForbiddenCharacter),
            (RequestKinds.InsuranceStatus, "Betreff", "lone \ud800 surrogate", ErrorCodes.InputForbiddenCharacter),
        };
        foreach (var (topic, subject, body, code) in cases)
        {
            var result = await PersonAsync(h, m => m.StartAsync(actor, topic, subject, body, [], Ct));
            Assert.Equal(code, result.Error?.Code);
            Assert.False(string.IsNullOrWhiteSpace(result.Error!.Message));
        }
        Assert.Equal(ErrorCodes.MailboxPageSizeInvalid, (await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(PageSize: 0), Ct))).Error?.Code);
        Assert.Equal(ErrorCodes.MailboxCursorInvalid, (await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(Older: "zz.yy"), Ct))).Error?.Code);
        Assert.Equal(ErrorCodes.MailboxStaffIdInvalid, (await StaffAsync(h, m => m.ReadAsync(h.KasseId, "", Guid.NewGuid().ToString(), Staff, Ct))).Error?.Code);
        Assert.Equal(ErrorCodes.MailboxStatusInvalid, (await StaffAsync(h, m => m.TeamInboxAsync(h.KasseId, new TeamInboxQuery(RequestKinds.InsuranceStatus, "done"), Ct))).Error?.Code);
        Assert.Equal(ErrorCodes.MailboxDueInvalid, (await StaffAsync(h, m => m.TeamInboxAsync(h.KasseId, new TeamInboxQuery(RequestKinds.InsuranceStatus, DueBefore: "31.12.2026"), Ct))).Error?.Code);
        // A body of exactly the limit, with CR LF line breaks, is accepted and stored with LF.
        var ok = await PersonAsync(h, m => m.StartAsync(actor, RequestKinds.InsuranceStatus, new string('b', 200), "a\r\nb" + new string('c', 19_997), [], Ct));
        Assert.True(ok.IsSuccess, ok.Error?.ToString());
        await using var db = h.Db.NewContext();
        Assert.Equal(1, await db.MailboxThreads.CountAsync(Ct));
        Assert.Equal(1, await db.MailboxMessages.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Pages_follow_the_keyset_cursor_search_finds_body_text_and_archive_is_a_separate_view(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var actor = await LoginAsync(h, person);
        var ids = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            h.Clock.Advance(TimeSpan.FromMinutes(1));
            ids.Add((await PersonAsync(h, m => m.StartAsync(actor, RequestKinds.GeneralInformation, $"Frage {i}", i == 7 ? "Es geht um die Zahnreinigung." : "Allgemein", [], Ct))).Value);
        }
        var first = (await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(PageSize: 25), Ct))).Value;
        Assert.Equal(25, first.Items.Count);
        Assert.NotNull(first.Older);
        var second = (await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(PageSize: 25, Older: first.Older), Ct))).Value;
        Assert.Null(second.Older);
        Assert.Equal(Enumerable.Reverse(ids).ToList(), first.Items.Concat(second.Items).Select(t => t.Id).ToList());

        var found = (await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(Search: "ZAHNREINIGUNG"), Ct))).Value;
        Assert.Equal(ids[7], Assert.Single(found.Items).Id);
        Assert.Equal(ids[12], Assert.Single((await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(Search: "Frage 12"), Ct))).Value.Items).Id);

        Assert.True((await PersonAsync(h, m => m.SetArchivedAsync(actor, ids[0].ToString(), true, Ct))).Value);
        Assert.Equal(ids[0], Assert.Single((await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(Archived: true), Ct))).Value.Items).Id);
        Assert.Equal(29, (await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(PageSize: 100), Ct))).Value.Items.Count);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_login_too_weak_for_a_topic_lists_the_thread_without_subject_and_a_representative_outside_scope_does_not_see_it(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var ward = await h.PersonAsync("Karl", "Alt", new DateOnly(1940, 1, 1));
        var carer = await h.PersonAsync("Berta", "Betreuer");
        var representation = await SecurityHistoryTests.RepresentAsync(h, ward.Kvnr, carer.Kvnr, "betreuer", scope: [RequestKinds.InsuranceStatus]);
        var strong = await LoginAsync(h, ward, null, Pforte.Core.Authentication.PortalLoginFactors.Eid);
        var health = (await PersonAsync(h, m => m.StartAsync(strong, RequestKinds.BenefitsHealthData, "Diagnose XY", "Befund", [], Ct))).Value;
        var contributions = (await PersonAsync(h, m => m.StartAsync(strong, RequestKinds.InsuranceStatus, "Beitrag", "Text", [], Ct))).Value;

        var weak = await LoginAsync(h, ward);
        var listed = (await PersonAsync(h, m => m.ListAsync(weak, new InboxQuery(), Ct))).Value.Items;
        var hidden = Assert.Single(listed, t => t.Id == health);
        Assert.True(hidden.Hidden);
        Assert.Equal("", hidden.Subject);
        Assert.False(string.IsNullOrWhiteSpace(hidden.HiddenReason));
        Assert.Equal("Beitrag", Assert.Single(listed, t => t.Id == contributions).Subject);
        Assert.Equal(ErrorCodes.MailboxContentHidden, (await PersonAsync(h, m => m.ReadAsync(weak, health.ToString(), Ct))).Error?.Code);
        Assert.DoesNotContain(RequestKinds.BenefitsHealthData, await PersonAsync(h, m => m.WritableTopicsAsync(weak, Ct)));
        Assert.Equal(ErrorCodes.MailboxTopicNotAllowed, (await PersonAsync(h, m => m.StartAsync(weak, RequestKinds.BenefitsHealthData, "x", "y", [], Ct))).Error?.Code);

        var forWard = await LoginAsync(h, ward, representation);
        var seen = (await PersonAsync(h, m => m.ListAsync(forWard, new InboxQuery(), Ct))).Value.Items;
        Assert.Equal(contributions, Assert.Single(seen).Id);
        Assert.Equal(ErrorCodes.MailboxNotFound, (await PersonAsync(h, m => m.ReadAsync(forWard, health.ToString(), Ct))).Error?.Code);
        var forWardTopics = await PersonAsync(h, m => m.WritableTopicsAsync(forWard, Ct));
        Assert.Contains(RequestKinds.InsuranceStatus, forWardTopics);
        Assert.DoesNotContain(RequestKinds.BenefitsHealthData, forWardTopics);
        var replied = await PersonAsync(h, m => m.ReplyAsync(forWard, contributions.ToString(), "Für meinen Betreuten", [], Ct));
        Assert.True(replied.IsSuccess, replied.Error?.ToString());
        await using var db = h.Db.NewContext();
        var stored = await db.MailboxMessages.SingleAsync(m => m.Id == replied.Value, Ct);
        Assert.Equal((MessageSender.Representative, representation.ToString()), (stored.Sender, stored.SenderId));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Documents_go_to_the_mailbox_only_after_opt_in_and_never_for_code_letters(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var actor = await LoginAsync(h, person);
        var pdf = Pdf();
        Task<Result<Guid>> DeliverAsync(string? kind = null) => h.RunAsync(s => s.GetRequiredService<MailboxDocuments>().DeliverAsync(h.KasseId,
            new DocumentInput(person.Kvnr, "Beitragsbescheid 2027", "bescheid.pdf", pdf, kind), Staff, Ct));

        Assert.Equal(ErrorCodes.MailboxNoElectronicDelivery, (await DeliverAsync()).Error?.Code);
        Assert.Equal(ErrorCodes.MailboxCodeLetterByPost, (await DeliverAsync(Pforte.Core.Letters.LetterKinds.CodeFirst)).Error?.Code);
        Assert.Equal(ErrorCodes.MailboxLetterKindUnknown, (await DeliverAsync("brief")).Error?.Code);
        Assert.False((await PersonAsync(h, m => m.ElectronicDeliveryAsync(actor, Ct))).Value);
        Assert.True((await PersonAsync(h, m => m.SetElectronicDeliveryAsync(actor, true, Ct))).Value);
        Assert.True((await PersonAsync(h, m => m.SetElectronicDeliveryAsync(actor, true, Ct))).Value); // no change, nothing written
        Assert.True((await PersonAsync(h, m => m.ElectronicDeliveryAsync(actor, Ct))).Value);
        // Even opted in, a code letter never goes electronically.
        Assert.Equal(ErrorCodes.MailboxCodeLetterByPost, (await DeliverAsync(Pforte.Core.Letters.LetterKinds.PortalActivation)).Error?.Code);

        var delivered = await DeliverAsync(Pforte.Core.Letters.LetterKinds.AddressChanged);
        Assert.True(delivered.IsSuccess, delivered.Error?.ToString());
        var thread = Assert.Single((await PersonAsync(h, m => m.ListAsync(actor, new InboxQuery(), Ct))).Value.Items);
        Assert.True(thread.IsDocument && thread.Unread && thread.HasAttachments);
        Assert.Equal(("Beitragsbescheid 2027", RequestKinds.InsuranceStatus), (thread.Subject, thread.Topic));
        var document = (await PersonAsync(h, m => m.ReadAsync(actor, thread.Id.ToString(), Ct))).Value;
        Assert.False(document.MayReply);
        var file = Assert.Single(document.Messages[0].Attachments);
        Assert.Equal(pdf, (await PersonAsync(h, m => m.AttachmentAsync(actor, thread.Id.ToString(), file.Id.ToString(), Ct))).Value.Content);
        Assert.Equal(ErrorCodes.MailboxNoReplyToDocument, (await PersonAsync(h, m => m.ReplyAsync(actor, thread.Id.ToString(), "x", [], Ct))).Error?.Code);
        // A picture is no document.
        var picture = await h.RunAsync(s => s.GetRequiredService<MailboxDocuments>().DeliverAsync(h.KasseId, new DocumentInput(person.Kvnr, "Foto", "foto.png", Png), Staff, Ct));
        Assert.Equal(ErrorCodes.MailboxDocumentNotPdf, picture.Error?.Code);
        Assert.False((await PersonAsync(h, m => m.SetElectronicDeliveryAsync(actor, false, Ct))).Value);
        Assert.Equal(ErrorCodes.MailboxNoElectronicDelivery, (await DeliverAsync()).Error?.Code);

        await using var db = h.Db.NewContext();
        var actions = await db.AuditEntries.Select(e => e.Action).ToListAsync(Ct);
        Assert.Equal(1, actions.Count(a => a == AuditAction.ElectronicDeliveryOptedIn));
        Assert.Equal(1, actions.Count(a => a == AuditAction.ElectronicDeliveryOptedOut));
        Assert.Equal(4, actions.Count(a => a == AuditAction.MailboxDocumentRefused));
        Assert.Equal(1, actions.Count(a => a == AuditAction.MailboxDocumentDelivered));
        Assert.Equal(1, actions.Count(a => a == AuditAction.OutboundReleased));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Attachments_are_stored_encrypted_and_read_back_only_in_their_thread(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var actor = await LoginAsync(h, person);
        var threadId = (await PersonAsync(h, m => m.StartAsync(actor, RequestKinds.GeneralInformation, "Mit Anhang", "Siehe Anhang", [], Ct))).Value;
        var bytes = Encoding.ASCII.GetBytes("%PDF-1.4 ANLAGE-GEHEIM-4711 %%EOF");
        Guid attachmentId;
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await using (var scope = h.RunScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Pforte.Core.Persistence.PforteDbContext>();
            var content = scope.ServiceProvider.GetRequiredService<MailboxContent>();
            var thread = await db.MailboxThreads.SingleAsync(t => t.Id == threadId, Ct);
            content.AddMessage(thread, MessageSender.Staff, "agent-1", "Hier die Anlage", [new CheckedAttachment(AttachmentType.Pdf, "application/pdf", "anlage.pdf", bytes)], h.Clock.GetUtcNow());
            await db.SaveChangesAsync(Ct);
            attachmentId = await db.MailboxAttachments.Select(a => a.Id).SingleAsync(Ct);
            var stored = await db.MailboxAttachments.AsNoTracking().SingleAsync(Ct);
            Assert.DoesNotContain("ANLAGE-GEHEIM", Encoding.ASCII.GetString(stored.ContentCipher), StringComparison.Ordinal);
        }
        var view = (await PersonAsync(h, m => m.ReadAsync(actor, threadId.ToString(), Ct))).Value;
        var info = Assert.Single(view.Messages[1].Attachments);
        Assert.Equal((attachmentId, "anlage.pdf", "application/pdf", (long)bytes.Length), (info.Id, info.FileName, info.ContentType, info.Size));
        var file = (await PersonAsync(h, m => m.AttachmentAsync(actor, threadId.ToString(), attachmentId.ToString(), Ct))).Value;
        Assert.Equal(bytes, file.Content);
        var other = (await PersonAsync(h, m => m.StartAsync(actor, RequestKinds.GeneralInformation, "Anderer", "Text", [new NewFile("C:\\fotos\\rücken.png", Png)], Ct))).Value;
        var uploaded = Assert.Single((await PersonAsync(h, m => m.ReadAsync(actor, other.ToString(), Ct))).Value.Messages[0].Attachments);
        Assert.Equal(("image/png", "rücken.png"), (uploaded.ContentType, uploaded.FileName));
        var refused = await PersonAsync(h, m => m.StartAsync(actor, RequestKinds.GeneralInformation, "Zip", "Text", [new NewFile("a.zip", "PK\u0003\u0004xxxx"u8.ToArray())], Ct));
        Assert.StartsWith("PF-MBX-1", refused.Error?.Code, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.MailboxNotFound, (await PersonAsync(h, m => m.AttachmentAsync(actor, other.ToString(), attachmentId.ToString(), Ct))).Error?.Code);
        var staffFile = (await StaffAsync(h, m => m.AttachmentAsync(h.KasseId, "agent-2", threadId.ToString(), attachmentId.ToString(), Staff, Ct))).Value;
        Assert.Equal(bytes, staffFile.Content);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Retention_purges_old_threads_with_everything_and_deleting_a_person_deletes_their_mailbox(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var old = await h.PersonAsync("Otto", "Alt");
        var gone = await h.PersonAsync("Gerd", "Weg");
        var oldActor = await LoginAsync(h, old);
        var oldThread = (await PersonAsync(h, m => m.StartAsync(oldActor, RequestKinds.GeneralInformation, "Alt", "Alt", [], Ct))).Value;
        await StaffAsync(h, m => m.AddNoteAsync(h.KasseId, "agent-1", oldThread.ToString(), "Notiz", Staff, Ct));
        h.Clock.Advance(TimeSpan.FromDays(1096 - 10));
        var goneActor = await LoginAsync(h, gone);
        var recent = (await PersonAsync(h, m => m.StartAsync(oldActor, RequestKinds.GeneralInformation, "Neu", "Neu", [], Ct))).Value;
        await PersonAsync(h, m => m.StartAsync(goneActor, RequestKinds.GeneralInformation, "Von Gerd", "Text", [], Ct));
        h.Clock.Advance(TimeSpan.FromDays(11));

        var purged = await h.RunAsync(s => s.GetRequiredService<MailboxMaintenance>().PurgeAsync(AuditContext.System("mailbox-purge"), 1, Ct));
        Assert.Equal(1, purged.Threads);
        await using (var db = h.Db.NewContext())
        {
            Assert.Equal([recent], await db.MailboxThreads.Where(t => t.PersonId == old.Id).Select(t => t.Id).ToListAsync(Ct));
            Assert.Equal(0, await db.MailboxMessages.CountAsync(m => m.ThreadId == oldThread, Ct));
            Assert.Equal(0, await db.MailboxNotes.CountAsync(Ct));
            var entry = await db.AuditEntries.SingleAsync(e => e.Action == AuditAction.MailboxPurged, Ct);
            Assert.Contains("\"threads\":1", entry.Details, StringComparison.Ordinal);
        }
        await using (var db = h.Db.NewContext())
        {
            // Deleting a person's data (the registry row and what hangs on it) deletes their mailbox.
            await db.Authentications.Where(a => a.PersonId == gone.Id).ExecuteDeleteAsync(Ct);
            await db.InsuredPersons.Where(p => p.Id == gone.Id).ExecuteDeleteAsync(Ct);
            Assert.Equal(0, await db.MailboxThreads.CountAsync(t => t.PersonId == gone.Id, Ct));
            Assert.Equal(1, await db.MailboxThreads.CountAsync(Ct));
            Assert.Equal(1, await db.MailboxMessages.CountAsync(Ct));
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Rewrap_after_rotation_changes_only_wrapped_keys_the_old_key_is_retired_and_all_stays_readable(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var actor = await LoginAsync(h, person);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await PersonAsync(h, m => m.StartAsync(actor, RequestKinds.GeneralInformation, $"Betreff {i}", $"Inhalt {i}", [], Ct))).Value);
        }
        await StaffAsync(h, m => m.AddNoteAsync(h.KasseId, "agent-1", ids[0].ToString(), "Notiz", Staff, Ct));
        async Task<List<(byte[] Subject, byte[] Body, byte[] Key, int Version)>> SnapshotAsync()
        {
            await using var db = h.Db.NewContext();
            return (await (from t in db.MailboxThreads join m in db.MailboxMessages on t.Id equals m.ThreadId orderby t.Id
                           select new { t.SubjectCipher, m.BodyCipher, m.WrappedKey, m.KeyVersion }).ToListAsync(Ct))
                .Select(x => (x.SubjectCipher, x.BodyCipher, x.WrappedKey, x.KeyVersion)).ToList();
        }
        var before = await SnapshotAsync();
        var rotated = await h.RunAsync(s => Task.FromResult(s.GetRequiredService<IKeyStore>().Rotate(KeyPurpose.ContentWrap)));
        Assert.Equal(2, rotated.Version);

        var result = await h.RunAsync(s => s.GetRequiredService<MailboxMaintenance>().RewrapAsync(2, AuditContext.Cli("mailbox rewrap"), Ct));
        Assert.Equal((5, 5, 1, 2), (result.Threads, result.Messages, result.Notes, result.CurrentVersion));
        var after = await SnapshotAsync();
        Assert.Equal(before.Select(b => (b.Subject, b.Body)), after.Select(a => (a.Subject, a.Body)));
        Assert.All(after, a => Assert.Equal(2, a.Version));
        Assert.All(before.Zip(after), p => Assert.NotEqual(p.First.Key, p.Second.Key));

        Assert.Equal([1], await h.RunAsync(s => s.GetRequiredService<MailboxMaintenance>().RetireUnusedKeysAsync(Ct)));
        Assert.Equal([2], new FileKeyRing(h.Db.KeyRingPath, TimeProvider.System).All(KeyPurpose.ContentWrap).Select(k => k.Version));
        for (var i = 0; i < 5; i++)
        {
            var view = (await PersonAsync(h, m => m.ReadAsync(actor, ids[i].ToString(), Ct))).Value;
            Assert.Equal(($"Betreff {i}", $"Inhalt {i}"), (view.Subject, view.Messages[0].Body));
        }
        Assert.Equal("Notiz", Assert.Single((await StaffAsync(h, m => m.ReadAsync(h.KasseId, "agent-1", ids[0].ToString(), Staff, Ct))).Value.Notes).Text);
        // Nothing left to do: a second run changes nothing.
        Assert.Equal(0, (await h.RunAsync(s => s.GetRequiredService<MailboxMaintenance>().RewrapAsync(100, AuditContext.Cli("mailbox rewrap"), Ct))).Messages);
    }
}
