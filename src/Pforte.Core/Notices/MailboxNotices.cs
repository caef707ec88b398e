using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Persistence;
using Pforte.Core.SelfService;

namespace Pforte.Core.Notices;

/// <summary>
/// The outbox of content-free e-mail notices ("Neue Nachricht in Ihrem Postfach", ADR 0021). Queuing happens inside
/// the caller's write transaction on the same <see cref="PforteDbContext"/>: the row becomes durable with the
/// caller's SaveChanges and commit, or not at all. Several new messages before the mail went make one notice.
/// </summary>
public sealed class MailboxNotices(PforteDbContext db, IMailSender mail, IOptions<NoticeOptions> options, TimeProvider clock)
{
    /// <summary>
    /// Adds a notice for the person unless one is already waiting (coalesced), no mail server is configured, or the
    /// person has no confirmed contact address. Does not save: the caller's SaveChanges/commit makes it durable.
    /// </summary>
    public async Task QueueNewMessageAsync(Guid kasseId, Guid personId, CancellationToken ct)
    {
        if (!mail.IsConfigured || !options.Value.Enabled)
        {
            return;
        }
        if (!await db.Set<ContactEmail>().AsNoTracking().AnyAsync(c => c.KasseId == kasseId && c.PersonId == personId, ct).ConfigureAwait(false))
        {
            return;
        }
        // Already waiting (saved, or added earlier in this same unit of work): the new message rides along.
        if (db.Set<MailboxNotice>().Local.Any(n => n.PersonId == personId && n.SentAt is null && n.GivenUpAt is null)
            || await db.Set<MailboxNotice>().AsNoTracking().AnyAsync(n => n.PersonId == personId && n.SentAt == null && n.GivenUpAt == null, ct).ConfigureAwait(false))
        {
            return;
        }
        var now = clock.GetUtcNow();
        // At most one notice per window: after a sent notice the next one waits until the window has passed.
        var lastSent = await db.Set<MailboxNotice>().AsNoTracking().Where(n => n.PersonId == personId && n.SentAt != null)
            .OrderByDescending(n => n.SentAt).Select(n => n.SentAt).FirstOrDefaultAsync(ct).ConfigureAwait(false);
        var due = now + options.Value.Delay;
        if (lastSent is { } sent && sent + options.Value.Window > due)
        {
            due = sent + options.Value.Window;
        }
        db.Add(new MailboxNotice { Id = Guid.CreateVersion7(now), KasseId = kasseId, PersonId = personId, CreatedAt = now, NextAttemptAt = due });
    }
}
