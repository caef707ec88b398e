using System.Text.RegularExpressions;
using Pforte.Core.Audit;
using Pforte.Core.Notices;
using Pforte.Portal.Tests.SelfService;
using Pforte.Testing;

namespace Pforte.Portal.Tests.Notices;

/// <summary>The content-free e-mail notices (ADR 0021), through the real SMTP sender to an SMTP server in the test.</summary>
public sealed partial class MailboxNoticeTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Several_new_messages_make_one_mail_that_says_nothing_personal(string provider)
    {
        await using var smtp = InProcessSmtp.Start();
        await using var f = await NoticeFixture.CreateAsync(provider, smtp.Settings);
        var person = await f.AddPersonAsync();
        for (var i = 0; i < 3; i++)
        {
            await f.QueueAsync(person.Id);
        }
        Assert.Single(await f.NoticesAsync(person.Id));

        var run = await f.SendAsync();

        Assert.Equal(1, run.Sent);
        var mail = Assert.Single(smtp.Received());
        Assert.Equal("juergen.gross@example.org", Assert.Single(mail.To.Mailboxes).Address);
        Assert.Equal("Neue Nachricht in Ihrem Postfach", mail.Subject);
        var body = mail.TextBody;
        Assert.Contains(NoticeFixture.PortalUrl, body, StringComparison.Ordinal);
        Assert.Contains(f.Kasse.Name, body, StringComparison.Ordinal);
        Assert.Contains("nie nach Codes, Passwörtern oder Bankdaten", body, StringComparison.Ordinal);
        Assert.Contains("Links in unseren E-Mails führen nie zu einer Anmeldung mit Codes", body, StringComparison.Ordinal);
        var all = mail.Subject + "\n" + body;
        foreach (var forbidden in new[] { person.GivenName, person.FamilyName, person.Kvnr, person.Id.ToString(), "juergen", "?", "#" })
        {
            Assert.DoesNotContain(forbidden, all, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotMatch(GuidPattern(), all);
        Assert.DoesNotMatch(DigitRun(), all.Replace(f.Kasse.Name, "", StringComparison.Ordinal)); // no count, no number that could mean something

        // Sent once: a second run finds nothing; the audit says sent, with the person, without the address.
        Assert.Equal(0, (await f.SendAsync()).Claimed);
        Assert.Single(smtp.Received());
        var notice = Assert.Single(await f.NoticesAsync(person.Id));
        Assert.NotNull(notice.SentAt);
        var sent = Assert.Single(await f.AuditAsync(), e => e.Action == AuditAction.NoticeSent);
        Assert.Equal(person.Id, sent.SubjectPersonId);
        Assert.DoesNotContain("@", sent.Details ?? "", StringComparison.Ordinal);
        Assert.Contains(await f.AuditAsync(), e => e.Action == AuditAction.OutboundReleased && e.SubjectPersonId == person.Id);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_new_message_soon_after_a_sent_notice_waits_for_the_window(string provider)
    {
        await using var smtp = InProcessSmtp.Start();
        await using var f = await NoticeFixture.CreateAsync(provider, smtp.Settings);
        var person = await f.AddPersonAsync();
        await f.QueueAsync(person.Id);
        await f.SendAsync();
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        await f.QueueAsync(person.Id);

        Assert.Equal(0, (await f.SendAsync()).Claimed);
        f.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, (await f.SendAsync()).Sent);
        Assert.Equal(2, smtp.Received().Count);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_refusing_server_is_tried_again_with_backoff_and_the_notice_goes_later(string provider)
    {
        await using var smtp = InProcessSmtp.Start();
        smtp.Accepting = false;
        await using var f = await NoticeFixture.CreateAsync(provider, smtp.Settings);
        var person = await f.AddPersonAsync();
        await f.QueueAsync(person.Id);

        Assert.Equal(1, (await f.SendAsync()).Failed);
        var failed = Assert.Single(await f.NoticesAsync(person.Id));
        Assert.Equal(1, failed.Attempts);
        Assert.Equal("PF-NOTE-002", failed.LastErrorCode);
        Assert.Equal(f.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), failed.NextAttemptAt);
        Assert.Equal(0, (await f.SendAsync()).Claimed); // not before the backoff

        f.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await f.SendAsync()).Failed);
        Assert.Equal(f.Clock.GetUtcNow() + TimeSpan.FromMinutes(5), Assert.Single(await f.NoticesAsync(person.Id)).NextAttemptAt);

        smtp.Accepting = true;
        f.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, (await f.SendAsync()).Sent);
        Assert.Single(smtp.Received());
        var audit = await f.AuditAsync();
        Assert.Equal(2, audit.Count(e => e.Action == AuditAction.NoticeFailed && e.ReasonCode == "PF-NOTE-002"));
        Assert.Single(audit, e => e.Action == AuditAction.NoticeSent);
        Assert.All(audit, e => Assert.DoesNotContain("example.org", e.Details ?? "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task After_the_last_attempt_the_notice_is_given_up_and_recorded(string provider)
    {
        await using var smtp = InProcessSmtp.Start();
        smtp.Accepting = false;
        await using var f = await NoticeFixture.CreateAsync(provider, new Dictionary<string, string?>(smtp.Settings) { ["Pforte:Notices:RetryDelays:0"] = "00:01:00" });
        var person = await f.AddPersonAsync();
        await f.QueueAsync(person.Id);

        Assert.Equal(1, (await f.SendAsync()).Failed);
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await f.SendAsync()).GivenUp);
        f.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, (await f.SendAsync()).Claimed);

        Assert.NotNull(Assert.Single(await f.NoticesAsync(person.Id)).GivenUpAt);
        Assert.Single(await f.AuditAsync(), e => e.Action == AuditAction.NoticeGivenUp && e.SubjectPersonId == person.Id);
        Assert.Empty(smtp.Received());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Two_nodes_sending_at_once_send_every_notice_exactly_once(string provider)
    {
        await using var smtp = InProcessSmtp.Start();
        await using var f = await NoticeFixture.CreateAsync(provider, new Dictionary<string, string?>(smtp.Settings) { ["Pforte:Notices:BatchSize"] = "3" });
        await using var second = f.NewHost();
        var persons = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var person = await f.AddPersonAsync($"person{i}@example.org");
            await f.QueueAsync(person.Id);
            persons.Add(person.Id);
        }

        var runs = new List<NoticeRun>();
        for (var round = 0; round < 6; round++)
        {
            var results = await Task.WhenAll(f.SendAsync(), f.SendAsync(second));
            runs.AddRange(results);
        }

        Assert.Equal(12, runs.Sum(r => r.Sent));
        var received = smtp.Received();
        Assert.Equal(12, received.Count);
        Assert.Equal(12, received.Select(m => m.To.Mailboxes.Single().Address).Distinct().Count());
        Assert.Equal(12, (await f.AuditAsync()).Count(e => e.Action == AuditAction.NoticeSent));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Without_a_mail_server_or_a_confirmed_address_nothing_is_queued(string provider)
    {
        await using (var f = await NoticeFixture.CreateAsync(provider))
        {
            var person = await f.AddPersonAsync();
            await f.QueueAsync(person.Id);
            Assert.Empty(await f.NoticesAsync(person.Id));
            Assert.Equal(0, (await f.SendAsync()).Claimed);
        }
        await using var smtp = InProcessSmtp.Start();
        await using var g = await NoticeFixture.CreateAsync(provider, smtp.Settings);
        var without = await g.AddPersonAsync(address: null);
        await g.QueueAsync(without.Id);
        Assert.Empty(await g.NoticesAsync(without.Id));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_address_removed_before_sending_drops_the_notice(string provider)
    {
        await using var smtp = InProcessSmtp.Start();
        await using var f = await NoticeFixture.CreateAsync(provider, smtp.Settings);
        var person = await f.AddPersonAsync();
        await f.QueueAsync(person.Id);
        await using (var context = f.Db.NewContext())
        {
            context.RemoveRange(context.Set<Pforte.Core.SelfService.ContactEmail>().Where(c => c.PersonId == person.Id));
            await context.SaveChangesAsync();
        }

        Assert.Equal(1, (await f.SendAsync()).Dropped);
        Assert.Empty(smtp.Received());
        Assert.Single(await f.AuditAsync(), e => e.Action == AuditAction.NoticeDropped && e.ReasonCode == "PF-NOTE-001");
    }

    [Fact]
    public void The_portal_address_in_the_mail_is_plain()
    {
        Assert.Equal("https://meine.kasse.example/portal", SendMailboxNotices.PlainUrl("https://user:pw@meine.kasse.example/portal?id=1234#token"));
        Assert.Null(SendMailboxNotices.PlainUrl("javascript:alert(1)"));
        Assert.Null(SendMailboxNotices.PlainUrl(null));
        var mail = SendMailboxNotices.Compose("a@example.org", "Testkasse", null);
        Assert.Contains("Bitte melden Sie sich wie gewohnt im Portal an", mail.Body, StringComparison.Ordinal);
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex("[0-9]{2,}")]
    private static partial Regex DigitRun();
}
