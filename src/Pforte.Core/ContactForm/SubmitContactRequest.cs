using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using Pforte.Core.Mailbox;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Core.Persistence;

namespace Pforte.Core.ContactForm;

/// <summary>What the form sends. Every field is text as typed; <see cref="SubmitContactRequest.Validate"/> checks it.</summary>
public sealed record ContactSubmission(
    string? Topic,
    string? GivenName,
    string? FamilyName,
    string? BirthDate,
    string? Kvnr,
    string? Street,
    string? HouseNumber,
    string? PostalCode,
    string? City,
    string? Message,
    IReadOnlyList<NewFile> Files);

/// <summary>A field's refusal, for a form that shows each error at its field.</summary>
public sealed record ContactFieldError(string Field, Error Error);

/// <summary>The sender's details as stored (encrypted) and as staff read them.</summary>
public sealed record ContactDetails(
    string GivenName, string FamilyName, DateOnly BirthDate, string? Kvnr, string Street, string HouseNumber, string PostalCode, string City, string Message);

/// <summary>
/// The public contact form's use case (ADR 0022): no login, nothing authenticated, never linked to a person. The
/// details are checked, sealed with the ContentCipher under a data key of the request's own, and a random receipt
/// number is returned. No e-mail goes anywhere: the answer comes by letter or into the portal's mailbox.
/// </summary>
public sealed class SubmitContactRequest(PforteDbContext db, ContentCipher cipher, AttachmentInspector inspector, DisclosurePolicy policy, AuditLog audit, TimeProvider clock)
{
    public const int MaxMessageLength = 5000;
    public const string DetailsField = "details";
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>The topics the form offers: the request kinds the Kasse's policy lets in through the contact form.</summary>
    public IReadOnlyList<string> Topics => policy.RequestKinds.Where(k => k.Channels.Contains(Channels.ContactForm, StringComparer.Ordinal)).Select(k => k.Id).ToList();

    public async Task<Result<string>> ExecuteAsync(Guid kasseId, ContactSubmission submission, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var errors = Validate(submission, out var details, out var files);
        if (errors.Count > 0)
        {
            return errors[0].Error;
        }
        if (!await db.Kassen.AsNoTracking().AnyAsync(k => k.Id == kasseId, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.ContactKasseUnknown);
        }
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var newKey = cipher.NewDataKey();
        using var key = newKey.Key;
        var request = new ContactRequest
        {
            Id = id, KasseId = kasseId, ReceiptNumber = "", Topic = submission.Topic!.Trim(), CreatedAt = now, StatusAt = now,
            Status = ContactRequestStatus.Open, WrappedKey = newKey.Wrapped, KeyVersion = newKey.KeyVersion, AttachmentCount = files.Count,
            Sealed = cipher.Encrypt(key, JsonSerializer.SerializeToUtf8Bytes(details!), ContentCipher.Bind(id, DetailsField)),
        };
        for (var i = 0; i < files.Count; i++)
        {
            var attachmentId = Guid.CreateVersion7(now);
            request.Attachments.Add(new ContactAttachment
            {
                Id = attachmentId, RequestId = id, Position = i, ContentType = files[i].ContentType, Size = files[i].Content.Length,
                SealedName = cipher.EncryptText(key, files[i].FileName, ContentCipher.Bind(attachmentId, "name")),
                SealedContent = cipher.Encrypt(key, files[i].Content, ContentCipher.Bind(attachmentId, "content")),
            });
        }
        for (var attempt = 0; ; attempt++)
        {
            request.ReceiptNumber = NewReceiptNumber(now);
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            if (await db.Set<ContactRequest>().AnyAsync(r => r.ReceiptNumber == request.ReceiptNumber, cancellationToken).ConfigureAwait(false) && attempt < 5)
            {
                continue; // 40 random bits: practically never
            }
            db.Add(request);
            await audit.AppendAsync(kasseId, context with { Channel = Channels.ContactForm }, new AuditEvent(AuditAction.ContactRequestSubmitted, AuditOutcome.Success,
                Details: JsonSerializer.Serialize(new { request = id, topic = request.Topic, attachments = files.Count })), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            db.ChangeTracker.Clear();
            return request.ReceiptNumber;
        }
    }

    /// <summary>Records a refusal by the form's spam defence (which check: honeypot, too-fast, token) — never the content.</summary>
    public async Task<Error> RefuseAsync(Guid kasseId, string check, AuditContext context, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context with { Channel = Channels.ContactForm }, new AuditEvent(AuditAction.ContactFormRefused, AuditOutcome.Refused,
            ReasonCode: ErrorCodes.ContactFormRefused, Details: JsonSerializer.Serialize(new { check })), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new Error(ErrorCodes.ContactFormRefused);
    }

    /// <summary>Every field's refusal at once (the form shows them at their fields); empty when all is well.</summary>
    public IReadOnlyList<ContactFieldError> Validate(ContactSubmission submission) => Validate(submission, out _, out _);

    private List<ContactFieldError> Validate(ContactSubmission s, out ContactDetails? details, out IReadOnlyList<CheckedAttachment> files)
    {
        ArgumentNullException.ThrowIfNull(s);
        var errors = new List<ContactFieldError>();
        details = null;
        files = [];
        if (s.Topic is not { } topic || !Topics.Contains(topic.Trim(), StringComparer.Ordinal))
        {
            errors.Add(new("Topic", new Error(ErrorCodes.ContactTopicUnknown)));
        }
        var given = TextInput.Required("givenName", s.GivenName, InsuredLimits.Name);
        var family = TextInput.Required("familyName", s.FamilyName, InsuredLimits.Name);
        if (!given.IsSuccess)
        {
            errors.Add(new("GivenName", new Error(ErrorCodes.ContactNameInvalid, InsuredLimits.Name)));
        }
        if (!family.IsSuccess)
        {
            errors.Add(new("FamilyName", new Error(ErrorCodes.ContactNameInvalid, InsuredLimits.Name)));
        }
        var birth = ParseBirthDate(s.BirthDate, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), BerlinCalendar.Zone).DateTime));
        if (birth is null)
        {
            errors.Add(new("BirthDate", new Error(ErrorCodes.ContactBirthDateInvalid)));
        }
        string? kvnr = null;
        if (!string.IsNullOrWhiteSpace(s.Kvnr))
        {
            if (Common.Kvnr.Parse(s.Kvnr.Trim().ToUpperInvariant()).TryGetValue(out var parsed, out _))
            {
                kvnr = parsed.Value;
            }
            else
            {
                errors.Add(new("Kvnr", new Error(ErrorCodes.ContactKvnrInvalid)));
            }
        }
        var street = TextInput.Required("street", s.Street, InsuredLimits.Street);
        var number = TextInput.Required("houseNumber", s.HouseNumber, InsuredLimits.HouseNumber);
        var postal = s.PostalCode?.Trim();
        var city = TextInput.Required("city", s.City, InsuredLimits.City);
        if (!street.IsSuccess || !number.IsSuccess || !city.IsSuccess || postal is not { Length: 5 } || !postal.All(char.IsAsciiDigit))
        {
            errors.Add(new("Address", new Error(ErrorCodes.ContactAddressInvalid)));
        }
        var message = TextInput.Required("message", s.Message, MaxMessageLength, new Error(ErrorCodes.ContactMessageInvalid, MaxMessageLength));
        if (!message.IsSuccess || message.Value.Length > MaxMessageLength)
        {
            errors.Add(new("Message", new Error(ErrorCodes.ContactMessageInvalid, MaxMessageLength)));
        }
        var inspected = inspector.InspectAll((s.Files ?? []).Select(f => (f.FileName, f.Content)).ToList());
        if (!inspected.TryGetValue(out var checkedFiles, out var fileError))
        {
            errors.Add(new("Files", fileError));
        }
        else
        {
            files = checkedFiles;
        }
        if (errors.Count == 0)
        {
            details = new ContactDetails(given.Value, family.Value, birth!.Value, kvnr, street.Value, number.Value, postal!, city.Value, message.Value);
        }
        return errors;
    }

    private static DateOnly? ParseBirthDate(string? text, DateOnly today)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 10)
        {
            return null;
        }
        string[] formats = ["dd.MM.yyyy", "d.M.yyyy", "yyyy-MM-dd"];
        if (!DateOnly.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return null;
        }
        return date.Year >= 1900 && date <= today ? date : null;
    }

    /// <summary>KF-yyyy-XXXX-XXXX: 40 random bits in Crockford's base-32 letters (no I, L, O, U): not guessable, easy to read aloud.</summary>
    public static string NewReceiptNumber(DateTimeOffset now)
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 8);
        return $"KF-{now.Year.ToString(CultureInfo.InvariantCulture)}-{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }
}
