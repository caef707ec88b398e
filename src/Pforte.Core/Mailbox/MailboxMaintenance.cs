using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common.Keys;
using Pforte.Core.Persistence;

namespace Pforte.Core.Mailbox;

public sealed record RewrapResult(int Threads, int Messages, int Notes, int CurrentVersion, int ContactRequests = 0);

/// <summary>What a purge deleted: mailbox threads before <paramref name="Before"/>, contact-form requests before <paramref name="ContactBefore"/>, and sent or given-up notices.</summary>
public sealed record PurgeResult(int Threads, DateTimeOffset Before, int ContactRequests = 0, DateTimeOffset ContactBefore = default, int Notices = 0);

/// <summary>
/// Re-wrapping data keys after a rotation of the content-wrap key, and deleting threads past retention (ADR 0019).
/// Re-wrapping changes only the wrapped key and its version: ciphertexts are never rewritten.
/// </summary>
public sealed class MailboxMaintenance(PforteDbContext db, ContentCipher cipher, IKeyStore keys, Microsoft.Extensions.Options.IOptions<MailboxOptions> options,
    AuditLog audit, TimeProvider clock, ContactForm.StaffContactRequests contactRequests, Microsoft.Extensions.Options.IOptions<ContactForm.ContactFormOptions> contactOptions)
{
    /// <summary>A notice that went (or was given up) is kept this long for the operators' questions, then deleted; it holds no content.</summary>
    public static readonly TimeSpan NoticeRetention = TimeSpan.FromDays(30);

    public const int DefaultBatch = 1000;

    /// <summary>Re-wraps every data key not under the current content-wrap key, in batches of <paramref name="batchSize"/> rows per transaction.</summary>
    public async Task<RewrapResult> RewrapAsync(int batchSize, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = cipher.CurrentVersion;
        var threads = await RewrapTableAsync(db.MailboxThreads, t => t.KeyVersion != current, t => t.WrappedKey, (t, w) => { t.WrappedKey = w; t.KeyVersion = current; },
            batchSize, cancellationToken).ConfigureAwait(false);
        var messages = await RewrapTableAsync(db.MailboxMessages, m => m.KeyVersion != current, m => m.WrappedKey, (m, w) => { m.WrappedKey = w; m.KeyVersion = current; },
            batchSize, cancellationToken).ConfigureAwait(false);
        var notes = await RewrapTableAsync(db.MailboxNotes, n => n.KeyVersion != current, n => n.WrappedKey, (n, w) => { n.WrappedKey = w; n.KeyVersion = current; },
            batchSize, cancellationToken).ConfigureAwait(false);
        // The contact form's requests are sealed the same way (ADR 0022): their data keys are re-wrapped too.
        var contactRequests = await RewrapTableAsync(db.Set<ContactForm.ContactRequest>(), r => r.KeyVersion != current, r => r.WrappedKey,
            (r, w) => { r.WrappedKey = w; r.KeyVersion = current; }, batchSize, cancellationToken).ConfigureAwait(false);
        var kassen = await db.Kassen.AsNoTracking().Select(k => k.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (threads + messages + notes + contactRequests > 0)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            foreach (var kasse in kassen)
            {
                await audit.AppendAsync(kasse, context, new AuditEvent(AuditAction.MailboxRewrapped, AuditOutcome.Success,
                    Details: string.Create(CultureInfo.InvariantCulture, $"{{\"key_version\":{current},\"threads\":{threads},\"messages\":{messages},\"notes\":{notes},\"contact_requests\":{contactRequests}}}")), cancellationToken)
                    .ConfigureAwait(false);
            }
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return new RewrapResult(threads, messages, notes, current, contactRequests);
    }

    /// <summary>How many mailbox rows and contact-form requests still use a content-wrap key version (a key in use must not be retired).</summary>
    public async Task<int> UsingKeyAsync(int version, CancellationToken cancellationToken = default) =>
        await db.MailboxThreads.CountAsync(t => t.KeyVersion == version, cancellationToken).ConfigureAwait(false)
        + await db.MailboxMessages.CountAsync(m => m.KeyVersion == version, cancellationToken).ConfigureAwait(false)
        + await db.MailboxNotes.CountAsync(n => n.KeyVersion == version, cancellationToken).ConfigureAwait(false)
        + await db.Set<ContactForm.ContactRequest>().CountAsync(r => r.KeyVersion == version, cancellationToken).ConfigureAwait(false);

    /// <summary>Retires every older content-wrap key that no mailbox row uses any more; returns the retired versions.</summary>
    public async Task<IReadOnlyList<int>> RetireUnusedKeysAsync(CancellationToken cancellationToken = default)
    {
        var current = keys.Current(KeyPurpose.ContentWrap).Version;
        var retired = new List<int>();
        foreach (var key in keys.All(KeyPurpose.ContentWrap).Where(k => k.Version != current).ToList())
        {
            if (await UsingKeyAsync(key.Version, cancellationToken).ConfigureAwait(false) == 0 && keys.Retire(KeyPurpose.ContentWrap, key.Version))
            {
                retired.Add(key.Version);
            }
        }
        return retired;
    }

    /// <summary>
    /// Deletes threads whose last message is older than the retention (<see cref="MailboxOptions.RetentionDays"/>),
    /// with their messages, attachments and notes (cascade), in batches; one audit entry per Kasse with the count.
    /// </summary>
    public async Task<PurgeResult> PurgeAsync(AuditContext context, int batchSize = DefaultBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var before = clock.GetUtcNow().AddDays(-options.Value.RetentionDays);
        var counts = new Dictionary<Guid, int>();
        while (true)
        {
            var batch = await db.MailboxThreads.AsNoTracking().Where(t => t.LastMessageAt < before).OrderBy(t => t.LastMessageAt).Take(batchSize)
                .Select(t => new { t.Id, t.KasseId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }
            var ids = batch.Select(b => b.Id).ToList();
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await db.MailboxAttachments.Where(a => ids.Contains(a.ThreadId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.MailboxMessages.Where(m => ids.Contains(m.ThreadId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.MailboxNotes.Where(n => ids.Contains(n.ThreadId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.MailboxThreads.Where(t => ids.Contains(t.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var b in batch)
            {
                counts[b.KasseId] = counts.GetValueOrDefault(b.KasseId) + 1;
            }
        }
        if (counts.Count > 0)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (kasse, count) in counts)
            {
                await audit.AppendAsync(kasse, context, new AuditEvent(AuditAction.MailboxPurged, AuditOutcome.Success,
                    Details: string.Create(CultureInfo.InvariantCulture, $"{{\"threads\":{count},\"before\":\"{before:yyyy-MM-ddTHH:mm:ssZ}\"}}")), cancellationToken).ConfigureAwait(false);
            }
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        // The contact form's requests after their own retention (Pforte:ContactForm:Retention, ADR 0022), and notices
        // that went or were given up (ADR 0021): one run of `pforte mailbox purge` and of the daily job does all three.
        var contactBefore = clock.GetUtcNow() - contactOptions.Value.Retention;
        var contacts = await contactRequests.PurgeAsync(contactBefore, cancellationToken).ConfigureAwait(false);
        var noticesBefore = clock.GetUtcNow() - NoticeRetention;
        var notices = await db.Set<Notices.MailboxNotice>().Where(n => (n.SentAt != null && n.SentAt < noticesBefore) || (n.GivenUpAt != null && n.GivenUpAt < noticesBefore))
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        return new PurgeResult(counts.Values.Sum(), before, contacts, contactBefore, notices);
    }

    private async Task<int> RewrapTableAsync<T>(DbSet<T> set, System.Linq.Expressions.Expression<Func<T, bool>> stale, Func<T, byte[]> wrapped, Action<T, byte[]> update,
        int batchSize, CancellationToken cancellationToken) where T : class
    {
        var total = 0;
        while (true)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            var batch = await set.Where(stale).Take(batchSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return total;
            }
            foreach (var row in batch)
            {
                update(row, cipher.Rewrap(wrapped(row)));
            }
            // Only the wrapped key and its version are marked modified: the UPDATE never touches a ciphertext column.
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            db.ChangeTracker.Clear();
            total += batch.Count;
        }
    }
}
