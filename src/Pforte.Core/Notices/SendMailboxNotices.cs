using System.Globalization;
using System.Resources;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;
using Pforte.Core.SelfService;

namespace Pforte.Core.Notices;

/// <summary>What one run of the sender did.</summary>
public sealed record NoticeRun(int Claimed, int Sent, int Failed, int GivenUp, int Dropped);

/// <summary>
/// Sends the due notices of the outbox (ADR 0021). Several nodes may run it on one database: each claims rows with a
/// lease first (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>; SQLite: one writer at a time, and the claim is a conditional
/// update), so no row is mailed by two nodes. The address is the person's confirmed contact address at send time; the
/// mail says only that something is new in the portal, with the portal's plain address and the phishing warning.
/// </summary>
public sealed class SendMailboxNotices(PforteDbContext db, IMailSender mail, OutboundGuard guard, AuditLog audit, IOptions<NoticeOptions> options, TimeProvider clock)
{
    public const string Job = "mailbox-notices";
    public const string Purpose = "notice";

    private static readonly ResourceManager Texts = new("Pforte.Core.Notices.NoticeTexts", typeof(SendMailboxNotices).Assembly);

    public async Task<NoticeRun> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        if (!mail.IsConfigured || !options.Value.Enabled)
        {
            return new NoticeRun(0, 0, 0, 0, 0);
        }
        var token = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var claimed = await ClaimAsync(token, cancellationToken).ConfigureAwait(false);
        int sent = 0, failed = 0, givenUp = 0, dropped = 0;
        foreach (var notice in claimed)
        {
            switch (await SendOneAsync(notice, token, cancellationToken).ConfigureAwait(false))
            {
                case Outcome.Sent: sent++; break;
                case Outcome.Failed: failed++; break;
                case Outcome.GivenUp: givenUp++; break;
                case Outcome.Dropped: dropped++; break;
            }
        }
        return new NoticeRun(claimed.Count, sent, failed, givenUp, dropped);
    }

    /// <summary>The mail of a notice: subject and body, nothing about the person or the message.</summary>
    public static OutgoingMail Compose(string to, string kasseName, string? portalUrl)
    {
        var culture = CultureInfo.GetCultureInfo("de-DE");
        string T(string name) => Texts.GetString(name, culture) ?? name;
        var body = new StringBuilder()
            .AppendLine(T("Greeting"))
            .AppendLine()
            .AppendLine(string.Format(culture, T("News"), kasseName));
        if (PlainUrl(portalUrl) is { } url)
        {
            body.AppendLine(T("SignInWithLink")).AppendLine().AppendLine(url);
        }
        else
        {
            body.AppendLine(T("SignInWithoutLink"));
        }
        body.AppendLine()
            .AppendLine(T("WarningTitle"))
            .AppendLine(string.Format(culture, T("Warning"), kasseName))
            .AppendLine()
            .AppendLine(string.Format(culture, T("Closing"), kasseName))
            .AppendLine()
            .AppendLine(T("NoReply"));
        return new OutgoingMail(to, T("Subject"), body.ToString());
    }

    /// <summary>The portal's address as scheme, host and path only: never a query, fragment or user part (no id, no token).</summary>
    public static string? PlainUrl(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured) || !Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }
        return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    }

    private enum Outcome { Sent, Failed, GivenUp, Dropped, Lost }

    private async Task<List<MailboxNotice>> ClaimAsync(string token, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Value.Lease;
        var batch = options.Value.BatchSize;
        await using (var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            List<Guid> ids;
            if (db.IsSqlite)
            {
                // One writer at a time: the conditional update below cannot race another claim.
                ids = await db.Set<MailboxNotice>().AsNoTracking()
                    .Where(n => n.SentAt == null && n.GivenUpAt == null && n.NextAttemptAt <= now && (n.LeasedUntil == null || n.LeasedUntil < now))
                    .OrderBy(n => n.NextAttemptAt).Select(n => n.Id).Take(batch).ToListAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Rows another node is claiming right now are skipped, not waited for.
                ids = await db.Database.SqlQuery<Guid>($"""
                    SELECT id AS "Value" FROM mailbox_notices
                    WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= {now} AND (leased_until IS NULL OR leased_until < {now})
                    ORDER BY next_attempt_at LIMIT {batch} FOR UPDATE SKIP LOCKED
                    """).ToListAsync(cancellationToken).ConfigureAwait(false);
            }
            if (ids.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return [];
            }
            await db.Set<MailboxNotice>()
                .Where(n => ids.Contains(n.Id) && n.SentAt == null && n.GivenUpAt == null && (n.LeasedUntil == null || n.LeasedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.LeasedUntil, until).SetProperty(n => n.LeasedBy, token), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return await db.Set<MailboxNotice>().AsNoTracking().Where(n => n.LeasedBy == token).OrderBy(n => n.NextAttemptAt)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outcome> SendOneAsync(MailboxNotice notice, string token, CancellationToken cancellationToken)
    {
        var context = AuditContext.System(Job) with { Channel = Channels.Email };
        var address = await db.Set<ContactEmail>().AsNoTracking().Where(c => c.PersonId == notice.PersonId && c.KasseId == notice.KasseId)
            .Select(c => c.Address).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var kvnr = await db.InsuredPersons.AsNoTracking().Where(p => p.Id == notice.PersonId).Select(p => p.Kvnr).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (address is null || kvnr is null)
        {
            return await FinishAsync(notice, token, context, Outcome.Dropped, ErrorCodes.NoticeNoAddress, cancellationToken).ConfigureAwait(false);
        }
        var released = await guard.ReleaseAsync(notice.KasseId, new OutboundMessage(Channels.Email, ContainsPersonalData: false, notice.PersonId, kvnr, Purpose), context, cancellationToken).ConfigureAwait(false);
        db.ChangeTracker.Clear();
        if (!released.IsSuccess)
        {
            return await FinishAsync(notice, token, context, Outcome.Dropped, ErrorCodes.NoticeRefusedByGuard, cancellationToken).ConfigureAwait(false);
        }
        var kasseName = await db.Kassen.AsNoTracking().Where(k => k.Id == notice.KasseId).Select(k => k.Name).SingleAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await mail.SendAsync(Compose(address, kasseName, options.Value.PortalUrl), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The server's text is not kept: it may quote the address. Only the stable code.
            var last = notice.Attempts + 1 > options.Value.Retries.Count;
            return await FinishAsync(notice, token, context, last ? Outcome.GivenUp : Outcome.Failed, ErrorCodes.NoticeSendFailed, cancellationToken).ConfigureAwait(false);
        }
        return await FinishAsync(notice, token, context, Outcome.Sent, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outcome> FinishAsync(MailboxNotice claimed, string token, AuditContext context, Outcome outcome, string? code, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Not cancelled half-way: a mail that went must be recorded as sent.
        await using var transaction = await db.BeginWriteAsync(CancellationToken.None).ConfigureAwait(false);
        var notice = await db.Set<MailboxNotice>().SingleOrDefaultAsync(n => n.Id == claimed.Id && n.LeasedBy == token, CancellationToken.None).ConfigureAwait(false);
        if (notice is null)
        {
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            return Outcome.Lost;
        }
        notice.Attempts++;
        notice.LeasedBy = null;
        notice.LeasedUntil = null;
        notice.LastErrorCode = code;
        AuditEvent auditEvent;
        switch (outcome)
        {
            case Outcome.Sent:
                notice.SentAt = now;
                // Notices queued meanwhile for the same person went with this mail.
                var others = await db.Set<MailboxNotice>().Where(n => n.PersonId == notice.PersonId && n.Id != notice.Id && n.SentAt == null
                    && n.GivenUpAt == null && n.CreatedAt <= now && (n.LeasedUntil == null || n.LeasedUntil < now)).ToListAsync(CancellationToken.None).ConfigureAwait(false);
                foreach (var other in others)
                {
                    other.SentAt = now;
                }
                auditEvent = new AuditEvent(AuditAction.NoticeSent, AuditOutcome.Success, notice.PersonId,
                    Details: Json(notice.Id, notice.Attempts, null));
                break;
            case Outcome.Failed:
                notice.NextAttemptAt = now + options.Value.Retries[notice.Attempts - 1];
                auditEvent = new AuditEvent(AuditAction.NoticeFailed, AuditOutcome.Failure, notice.PersonId, ReasonCode: code,
                    Details: Json(notice.Id, notice.Attempts, notice.NextAttemptAt));
                break;
            case Outcome.GivenUp:
                notice.GivenUpAt = now;
                auditEvent = new AuditEvent(AuditAction.NoticeGivenUp, AuditOutcome.Failure, notice.PersonId, ReasonCode: code,
                    Details: Json(notice.Id, notice.Attempts, null));
                break;
            default:
                notice.GivenUpAt = now;
                auditEvent = new AuditEvent(AuditAction.NoticeDropped, AuditOutcome.Refused, notice.PersonId, ReasonCode: code,
                    Details: Json(notice.Id, notice.Attempts, null));
                break;
        }
        await audit.AppendAsync(notice.KasseId, context, auditEvent, CancellationToken.None).ConfigureAwait(false);
        await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        db.ChangeTracker.Clear();
        return outcome;
    }

    private static string Json(Guid id, int attempt, DateTimeOffset? next) =>
        System.Text.Json.JsonSerializer.Serialize(new { notice = id, attempt, next });
}
