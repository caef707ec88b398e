using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Mailbox;
using Pforte.Core.Persistence;

namespace Pforte.Core.ContactForm;

public sealed record ContactRequestSummary(Guid Id, string ReceiptNumber, string Topic, DateTimeOffset CreatedAt, ContactRequestStatus Status, int Attachments, Guid? MatchedPersonId);

public sealed record ContactAttachmentInfo(Guid Id, string FileName, string ContentType, long Size);

public sealed record ContactRequestView(
    Guid Id, string ReceiptNumber, string Topic, DateTimeOffset CreatedAt, ContactRequestStatus Status, DateTimeOffset StatusAt,
    ContactDetails Details, IReadOnlyList<ContactAttachmentInfo> Attachments, Guid? MatchedPersonId, Guid? MatchedAuthenticationId);

/// <summary>
/// The back office's side of the contact form (ADR 0022): list (no content), read (decrypted, audited), match to a
/// person after a written authentication, mark answered, close; and the retention purge.
/// </summary>
public sealed class StaffContactRequests(PforteDbContext db, ContentCipher cipher, AuditLog audit, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    public static Result<ContactRequestStatus?> ParseStatus(string? status) => status?.Trim() switch
    {
        null or "" => (ContactRequestStatus?)null,
        "open" => ContactRequestStatus.Open,
        "answered" => ContactRequestStatus.Answered,
        "closed" => ContactRequestStatus.Closed,
        _ => new Error(ErrorCodes.ContactStatusInvalid, TextInput.Echo(status)),
    };

    public static string StatusName(ContactRequestStatus status) => status switch
    {
        ContactRequestStatus.Answered => "answered",
        ContactRequestStatus.Closed => "closed",
        _ => "open",
    };

    /// <summary>Newest first; no content (nothing to decrypt, nothing to audit).</summary>
    public async Task<Result<IReadOnlyList<ContactRequestSummary>>> ListAsync(Guid kasseId, string? status, int limit, CancellationToken cancellationToken = default)
    {
        if (!ParseStatus(status).TryGetValue(out var filter, out var bad))
        {
            return bad;
        }
        var query = db.Set<ContactRequest>().AsNoTracking().Where(r => r.KasseId == kasseId);
        if (filter is { } f)
        {
            query = query.Where(r => r.Status == f);
        }
        var rows = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(Math.Clamp(limit, 1, MaxPageSize))
            .Select(r => new ContactRequestSummary(r.Id, r.ReceiptNumber, r.Topic, r.CreatedAt, r.Status, r.AttachmentCount, r.MatchedPersonId))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>One request, decrypted; the reading is recorded (who read which request — not what it says).</summary>
    public async Task<Result<ContactRequestView>> ReadAsync(Guid kasseId, Guid id, AuditContext context, CancellationToken cancellationToken = default)
    {
        var request = await db.Set<ContactRequest>().AsNoTracking().Include(r => r.Attachments)
            .SingleOrDefaultAsync(r => r.KasseId == kasseId && r.Id == id, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return new Error(ErrorCodes.ContactRequestNotFound);
        }
        ContactDetails details;
        List<ContactAttachmentInfo> attachments;
        using (var key = cipher.Unwrap(request.WrappedKey))
        {
            details = JsonSerializer.Deserialize<ContactDetails>(cipher.Decrypt(key, request.Sealed, ContentCipher.Bind(request.Id, SubmitContactRequest.DetailsField)))
                ?? throw new CryptographicException("Empty contact request.");
            attachments = request.Attachments.OrderBy(a => a.Position)
                .Select(a => new ContactAttachmentInfo(a.Id, cipher.DecryptText(key, a.SealedName, ContentCipher.Bind(a.Id, "name")), a.ContentType, a.Size)).ToList();
        }
        await RecordAsync(kasseId, context, new AuditEvent(AuditAction.ContactRequestRead, AuditOutcome.Success, Details: Json(request.Id)), cancellationToken).ConfigureAwait(false);
        return new ContactRequestView(request.Id, request.ReceiptNumber, request.Topic, request.CreatedAt, request.Status, request.StatusAt, details, attachments,
            request.MatchedPersonId, request.MatchedAuthenticationId);
    }

    /// <summary>One attachment's bytes, decrypted (recorded like a read).</summary>
    public async Task<Result<Mailbox.AttachmentContent>> AttachmentAsync(Guid kasseId, Guid id, Guid attachmentId, AuditContext context, CancellationToken cancellationToken = default)
    {
        var row = await db.Set<ContactRequest>().AsNoTracking().Where(r => r.KasseId == kasseId && r.Id == id)
            .Select(r => new { r.WrappedKey, Attachment = r.Attachments.FirstOrDefault(a => a.Id == attachmentId) }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (row?.Attachment is not { } a)
        {
            return new Error(ErrorCodes.ContactRequestNotFound);
        }
        using var key = cipher.Unwrap(row.WrappedKey);
        var content = new Mailbox.AttachmentContent(cipher.DecryptText(key, a.SealedName, ContentCipher.Bind(a.Id, "name")), a.ContentType,
            cipher.Decrypt(key, a.SealedContent, ContentCipher.Bind(a.Id, "content")));
        await RecordAsync(kasseId, context, new AuditEvent(AuditAction.ContactRequestRead, AuditOutcome.Success,
            Details: JsonSerializer.Serialize(new { request = id, attachment = attachmentId })), cancellationToken).ConfigureAwait(false);
        return content;
    }

    /// <summary>
    /// Links the request to the person a written authentication (letter-details or contact-form-details, docs/disclosure.md)
    /// established; the person comes from that authentication, never from the form's details.
    /// </summary>
    public async Task<Result<ContactRequestSummary>> MatchAsync(Guid kasseId, Guid id, Guid authenticationId, AuditContext context, CancellationToken cancellationToken = default)
    {
        var authentication = await db.Authentications.AsNoTracking()
            .Where(a => a.Id == authenticationId && a.KasseId == kasseId
                && (a.Method == AuthenticationMethods.ContactFormDetails || a.Method == AuthenticationMethods.LetterDetails))
            .Select(a => new { a.PersonId }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (authentication is null)
        {
            return new Error(ErrorCodes.ContactAuthenticationMismatch);
        }
        return await ChangeAsync(kasseId, id, context, r =>
        {
            r.MatchedPersonId = authentication.PersonId;
            r.MatchedAuthenticationId = authenticationId;
            r.MatchedAt = clock.GetUtcNow();
            return new AuditEvent(AuditAction.ContactRequestMatched, AuditOutcome.Success, authentication.PersonId,
                Details: JsonSerializer.Serialize(new { request = id, authentication = authenticationId }));
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<Result<ContactRequestSummary>> MarkAnsweredAsync(Guid kasseId, Guid id, AuditContext context, CancellationToken cancellationToken = default) =>
        SetStatusAsync(kasseId, id, context, ContactRequestStatus.Answered, AuditAction.ContactRequestAnswered, cancellationToken);

    public Task<Result<ContactRequestSummary>> CloseAsync(Guid kasseId, Guid id, AuditContext context, CancellationToken cancellationToken = default) =>
        SetStatusAsync(kasseId, id, context, ContactRequestStatus.Closed, AuditAction.ContactRequestClosed, cancellationToken);

    /// <summary>Deletes requests (with their files) whose last status change is before <paramref name="before"/>; one audit entry per Kasse.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var total = 0;
        var kassen = await db.Set<ContactRequest>().AsNoTracking().Where(r => r.StatusAt < before).Select(r => r.KasseId).Distinct()
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var kasseId in kassen)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            var ids = await db.Set<ContactRequest>().Where(r => r.KasseId == kasseId && r.StatusAt < before).Select(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            await db.Set<ContactAttachment>().Where(a => ids.Contains(a.RequestId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            var count = await db.Set<ContactRequest>().Where(r => ids.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(kasseId, AuditContext.System("contact-form-purge"), new AuditEvent(AuditAction.ContactRequestsPurged, AuditOutcome.Success,
                Details: JsonSerializer.Serialize(new { count, before })), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            total += count;
        }
        return total;
    }

    private Task<Result<ContactRequestSummary>> SetStatusAsync(Guid kasseId, Guid id, AuditContext context, ContactRequestStatus status, AuditAction action, CancellationToken cancellationToken) =>
        ChangeAsync(kasseId, id, context, r =>
        {
            r.Status = status;
            r.StatusAt = clock.GetUtcNow();
            return new AuditEvent(action, AuditOutcome.Success, r.MatchedPersonId, Details: Json(id));
        }, cancellationToken);

    private async Task<Result<ContactRequestSummary>> ChangeAsync(Guid kasseId, Guid id, AuditContext context, Func<ContactRequest, AuditEvent> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var request = await db.Set<ContactRequest>().SingleOrDefaultAsync(r => r.KasseId == kasseId && r.Id == id, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return new Error(ErrorCodes.ContactRequestNotFound);
        }
        if (request.Status == ContactRequestStatus.Closed)
        {
            return new Error(ErrorCodes.ContactAlreadyClosed);
        }
        var auditEvent = change(request);
        await audit.AppendAsync(kasseId, context, auditEvent, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        db.ChangeTracker.Clear();
        return new ContactRequestSummary(request.Id, request.ReceiptNumber, request.Topic, request.CreatedAt, request.Status, request.AttachmentCount, request.MatchedPersonId);
    }

    private async Task RecordAsync(Guid kasseId, AuditContext context, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, auditEvent, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Json(Guid id) => JsonSerializer.Serialize(new { request = id });
}
