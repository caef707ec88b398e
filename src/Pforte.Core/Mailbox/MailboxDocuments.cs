using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Letters;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Core.Persistence;

namespace Pforte.Core.Mailbox;

/// <summary>
/// A document for a person: a PDF, optionally with the letter kind it stands for, and the topic (request kind) it
/// belongs to — reading it needs what that topic needs (default <see cref="DefaultTopic"/>).
/// </summary>
public sealed record DocumentInput(string? Kvnr, string? Subject, string? FileName, byte[]? Content, string? LetterKind = null, string? Topic = null);

/// <summary>
/// Documents from the Kasse (elektronische Zustellung, ADR 0019): a PDF goes into the person's mailbox as a document
/// thread only when the person opted in, and only through the <see cref="OutboundGuard"/> (portal channel). A letter
/// kind that carries a code never goes this way (code letters always by post). Refusals are recorded (8011).
/// </summary>
public sealed class MailboxDocuments(PforteDbContext db, MailboxContent content, AttachmentInspector inspector, OutboundGuard guard, Notices.MailboxNotices notices, AuditLog audit)
{
    public const string DefaultTopic = RequestKinds.InsuranceStatus;

    public const string DocumentBody = "Ihre Krankenkasse hat Ihnen ein Dokument zugestellt. Sie finden es im Anhang dieser Nachricht.";

    public async Task<Result<Guid>> DeliverAsync(Guid kasseId, DocumentInput input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Kvnr.Parse(input.Kvnr).TryGetValue(out var kvnr, out var error))
        {
            return error;
        }
        if (input.LetterKind is { } kind)
        {
            if (!LetterKinds.All.Contains(kind, StringComparer.Ordinal))
            {
                return new Error(ErrorCodes.MailboxLetterKindUnknown, TextInput.Echo(kind), string.Join(", ", LetterKinds.All));
            }
        }
        var person = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Kvnr == kvnr.Value).Select(p => new { p.Id })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        if (input.LetterKind is { } codeKind && LetterKinds.CarriesCode(codeKind))
        {
            return await RefuseAsync(kasseId, person.Id, kvnr.Value, new Error(ErrorCodes.MailboxCodeLetterByPost, codeKind), context, cancellationToken).ConfigureAwait(false);
        }
        var optedIn = await db.ElectronicDeliveries.AsNoTracking().AnyAsync(e => e.PersonId == person.Id && e.KasseId == kasseId && e.OptedIn, cancellationToken)
            .ConfigureAwait(false);
        if (!optedIn)
        {
            return await RefuseAsync(kasseId, person.Id, kvnr.Value, new Error(ErrorCodes.MailboxNoElectronicDelivery), context, cancellationToken).ConfigureAwait(false);
        }
        if (!MailboxContent.Topic(input.Topic ?? DefaultTopic).TryGetValue(out var topic, out error)
            || !content.Subject(input.Subject).TryGetValue(out var subject, out error))
        {
            return error;
        }
        if (!inspector.Inspect(input.FileName, input.Content ?? []).TryGetValue(out var file, out error))
        {
            return error;
        }
        if (file.Type != AttachmentType.Pdf)
        {
            return new Error(ErrorCodes.MailboxDocumentNotPdf, file.FileName);
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var permit = await guard.ReleaseAsync(kasseId, new OutboundMessage(Channels.Portal, true, person.Id, kvnr.Value, "Dokument im Postfach"), context, cancellationToken)
            .ConfigureAwait(false);
        if (!permit.TryGetValue(out _, out error))
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return error;
        }
        var now = content.Now;
        var thread = content.NewThread(kasseId, person.Id, topic, subject, now);
        thread.IsDocument = true;
        thread.Status = ThreadStatus.Closed;
        thread.Open = false;
        var message = content.AddMessage(thread, MessageSender.System, null, DocumentBody, [file], now);
        await notices.QueueNewMessageAsync(kasseId, person.Id, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.MailboxDocumentDelivered, AuditOutcome.Success, person.Id, kvnr.Value,
            Details: $"{{\"thread\":\"{thread.Id}\",\"message\":\"{message.Id}\"" + (input.LetterKind is { } k ? $",\"letter_kind\":\"{k}\"" : "") + "}"), cancellationToken)
            .ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return thread.Id;
    }

    private async Task<Result<Guid>> RefuseAsync(Guid kasseId, Guid personId, string kvnr, Error reason, AuditContext context, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.MailboxDocumentRefused, AuditOutcome.Refused, personId, kvnr, ReasonCode: reason.Code), cancellationToken)
            .ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return reason;
    }
}
