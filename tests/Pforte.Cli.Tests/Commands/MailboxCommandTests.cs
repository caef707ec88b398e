using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common.Keys;
using Pforte.Core.Mailbox;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Commands;

public sealed class MailboxCommandTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Rotate_then_rewrap_moves_every_data_key_to_the_new_wrap_key_and_retires_the_old_one(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid threadId;
        byte[] bodyBefore;
        await using (var db = testDb.NewContext())
        {
            var kasse = await TestData.CreateKasseAsync(db);
            var person = new Pforte.Core.Insured.InsuredPerson
            {
                Id = Guid.CreateVersion7(), KasseId = kasse.Id, Kvnr = TestData.Kvnr(42), FamilyName = "Muster", GivenName = "Erika", BirthDate = new DateOnly(1970, 1, 1),
                InsuranceKind = Pforte.Core.Insured.InsuranceKind.Member, InsuranceStart = new DateOnly(2000, 1, 1), Street = "Weg", HouseNumber = "1", PostalCode = "60311",
                City = "Frankfurt am Main", Country = "DE", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.InsuredPersons.Add(person);
            var content = new MailboxContent(db, new ContentCipher(new FileKeyRing(testDb.KeyRingPath, TimeProvider.System)),
                Microsoft.Extensions.Options.Options.Create(new MailboxOptions()), TimeProvider.System);
            var thread = content.NewThread(kasse.Id, person.Id, Pforte.Core.Disclosure.RequestKinds.GeneralInformation, "Betreff", DateTimeOffset.UtcNow);
            var message = content.AddMessage(thread, MessageSender.Person, null, "Inhalt", [], DateTimeOffset.UtcNow);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            (threadId, bodyBefore) = (thread.Id, message.BodyCipher);
        }

        var rotate = await CliRunner.RunAsync(testDb.Configuration, "keys", "rotate", "--purpose", "content-wrap");
        Assert.Equal(0, rotate.ExitCode);
        Assert.Contains("content-wrap Version 2", rotate.Out, StringComparison.Ordinal);
        var listed = await CliRunner.RunAsync(testDb.Configuration, "keys", "list");
        Assert.Contains("content-wrap v1", listed.Out, StringComparison.Ordinal);

        var rewrap = await CliRunner.RunAsync(testDb.Configuration, "mailbox", "rewrap", "--batch", "1");
        Assert.Equal(0, rewrap.ExitCode);
        Assert.Contains("1 Vorgang, 1 Nachricht, 0 Notizen", rewrap.Out, StringComparison.Ordinal);
        Assert.Contains("Entfernt: content-wrap Version 1", rewrap.Out, StringComparison.Ordinal);
        listed = await CliRunner.RunAsync(testDb.Configuration, "keys", "list");
        Assert.DoesNotContain("content-wrap v1", listed.Out, StringComparison.Ordinal);
        Assert.Contains("content-wrap v2", listed.Out, StringComparison.Ordinal);

        await using (var db = testDb.NewContext())
        {
            var message = await db.MailboxMessages.SingleAsync(m => m.ThreadId == threadId, TestContext.Current.CancellationToken);
            Assert.Equal(2, message.KeyVersion);
            Assert.Equal(bodyBefore, message.BodyCipher); // the ciphertext is untouched
            var content = new MailboxContent(db, new ContentCipher(new FileKeyRing(testDb.KeyRingPath, TimeProvider.System)),
                Microsoft.Extensions.Options.Options.Create(new MailboxOptions()), TimeProvider.System);
            Assert.Equal("Inhalt", content.BodyOf(message));
            Assert.Contains(await db.AuditEntries.Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken), a => a == AuditAction.MailboxRewrapped);
        }
        var purge = await CliRunner.RunAsync(testDb.Configuration, "mailbox", "purge");
        Assert.Equal(0, purge.ExitCode);
        Assert.Contains("0 Vorgänge gelöscht", purge.Out, StringComparison.Ordinal);
    }
}
