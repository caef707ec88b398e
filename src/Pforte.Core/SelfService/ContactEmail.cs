using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;

namespace Pforte.Core.SelfService;

/// <summary>The confirmed address for content-free notices ("Sie haben eine neue Nachricht", domain.md §4, §8).</summary>
public sealed class ContactEmail
{
    public Guid PersonId { get; set; }

    public Guid KasseId { get; set; }

    public required string Address { get; set; }

    public DateTimeOffset ConfirmedAt { get; set; }
}

/// <summary>
/// A double opt-in in progress: the link's token is kept only as its SHA-256 (a 256-bit random token needs no slow
/// hash), so a reader of the database cannot confirm an address. Single use, with an expiry.
/// </summary>
public sealed class EmailConfirmation
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    public required string Address { get; set; }

    public required byte[] TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>An e-mail as Pforte sends it: plain text, to one recipient.</summary>
public sealed record OutgoingMail(string To, string Subject, string Body);

/// <summary>The boundary to the mail server (the portal sends through SMTP; nothing configured → not configured).</summary>
public interface IMailSender
{
    bool IsConfigured { get; }

    /// <summary>Sends or throws (the caller turns a failure into a sentence for the person).</summary>
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}

/// <summary>The default until a mail server is configured: says so, sends nothing.</summary>
public sealed class NoMailSender : IMailSender
{
    public bool IsConfigured => false;

    public Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("No mail server is configured.");
}

public sealed record ContactEmailRequested(string Address, DateTimeOffset ExpiresAt);

/// <summary>
/// Step one of the double opt-in: the person gives an address; a link goes there; only following it makes the
/// address the contact address. The mail carries nothing personal — not even the name — only that someone asked to
/// use this address with the Kasse, and the link (the outbound guard releases it as a content-free message).
/// </summary>
public sealed class RequestContactEmail(PforteDbContext db, IMailSender mail, OutboundGuard guard, AuditLog audit, IOptions<SelfServiceOptions> options, TimeProvider clock)
{
    public const int MaxAddressLength = 254;

    /// <param name="linkFor">The confirmation page's absolute URL for a token (the portal knows its public address).</param>
    public async Task<Result<ContactEmailRequested>> ExecuteAsync(Guid kasseId, Guid personId, string? address, Func<string, string> linkFor, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(linkFor);
        if (Validate(address) is { } invalid)
        {
            return invalid;
        }
        if (!mail.IsConfigured)
        {
            return new Error(ErrorCodes.SelfEmailNotConfigured);
        }
        var clean = address!.Trim();
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var expires = now + options.Value.EmailLinkValidity;
        string kasseName;
        await using (var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            var person = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Id == personId)
                .Select(p => new { p.Id, p.Kvnr }).SingleAsync(cancellationToken).ConfigureAwait(false);
            kasseName = await db.Kassen.AsNoTracking().Where(k => k.Id == kasseId).Select(k => k.Name).SingleAsync(cancellationToken).ConfigureAwait(false);
            if (!(await guard.ReleaseAsync(kasseId, new OutboundMessage(Channels.Email, ContainsPersonalData: false, person.Id, person.Kvnr, "contact-email-confirmation"),
                    context, cancellationToken).ConfigureAwait(false)).TryGetValue(out _, out var refused))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return refused;
            }
            // One open link per person: a new request makes the earlier link useless.
            await db.Set<EmailConfirmation>().Where(c => c.PersonId == personId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            db.Add(new EmailConfirmation
            {
                Id = Guid.CreateVersion7(now), KasseId = kasseId, PersonId = personId, Address = clean, TokenHash = Hash(token),
                CreatedAt = now, ExpiresAt = expires,
            });
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.ContactEmailRequested, AuditOutcome.Success, person.Id, person.Kvnr,
                Details: System.Text.Json.JsonSerializer.Serialize(new { address = Masked(clean), expires })), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        var body = new StringBuilder()
            .AppendLine("Guten Tag,")
            .AppendLine()
            .AppendLine($"diese E-Mail-Adresse soll im Versichertenportal der {kasseName} für Benachrichtigungen eingetragen werden.")
            .AppendLine("Bitte bestätigen Sie das mit diesem Link:")
            .AppendLine()
            .AppendLine(linkFor(token))
            .AppendLine()
            .AppendLine($"Der Link gilt bis {TimeZoneInfo.ConvertTime(expires, BerlinCalendar.Zone).ToString("dd.MM.yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture)} Uhr und nur einmal.")
            .AppendLine("Wenn Sie das nicht veranlasst haben, beachten Sie diese E-Mail bitte nicht; dann ändert sich nichts.")
            .AppendLine()
            .AppendLine("Wir schicken Ihnen per E-Mail nie persönliche Daten, nur den Hinweis, dass im Portal etwas für Sie bereitliegt.")
            .AppendLine()
            .AppendLine($"Ihre {kasseName}")
            .ToString();
        try
        {
            await mail.SendAsync(new OutgoingMail(clean, $"{kasseName}: Bitte bestätigen Sie Ihre E-Mail-Adresse", body), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new Error(ErrorCodes.SelfEmailSendFailed);
        }
        return new ContactEmailRequested(clean, expires);
    }

    /// <summary>A deliberately plain check: one "@", a dot in the domain, no spaces or control characters, at most 254 characters.</summary>
    public static Error? Validate(string? address)
    {
        var value = address?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > MaxAddressLength || TextInput.FirstForbidden(value) is not null
            || value.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or '"' or ',' or ';' or '(' or ')' or '[' or ']' or '\\'))
        {
            return new Error(ErrorCodes.SelfEmailInvalid);
        }
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at < 1 || at != value.LastIndexOf('@') || at > 64)
        {
            return new Error(ErrorCodes.SelfEmailInvalid);
        }
        var domain = value[(at + 1)..];
        var dot = domain.LastIndexOf('.');
        return dot < 1 || dot > domain.Length - 3 || domain.StartsWith('-') || domain.Contains("..", StringComparison.Ordinal)
            ? new Error(ErrorCodes.SelfEmailInvalid)
            : null;
    }

    /// <summary>What the audit record and pages show before the address is confirmed: first letter and domain.</summary>
    public static string Masked(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var at = address.IndexOf('@', StringComparison.Ordinal);
        return at < 1 ? "***" : address[0] + "***" + address[at..];
    }

    internal static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed record ContactEmailConfirmed(Guid PersonId, string Address);

/// <summary>
/// Step two of the double opt-in: the link's token, if it is known, unused and not expired, makes its address the
/// person's contact address. Every other token gets one answer (PF-SELF-033). The page asks for a click on a button
/// (a POST) first, so that a mail scanner that opens links does not confirm anything.
/// </summary>
public sealed class ConfirmContactEmail(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<ContactEmailConfirmed>> ExecuteAsync(string? token, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (token is not { Length: 43 } || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return new Error(ErrorCodes.SelfEmailLinkInvalid);
        }
        var hash = RequestContactEmail.Hash(token);
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var pending = await db.Set<EmailConfirmation>().AsTracking().SingleOrDefaultAsync(c => c.TokenHash == hash, cancellationToken).ConfigureAwait(false);
        if (pending is null || pending.ExpiresAt <= now)
        {
            return new Error(ErrorCodes.SelfEmailLinkInvalid);
        }
        var kvnr = await db.InsuredPersons.AsNoTracking().Where(p => p.Id == pending.PersonId).Select(p => p.Kvnr).SingleAsync(cancellationToken).ConfigureAwait(false);
        var current = await db.Set<ContactEmail>().AsTracking().SingleOrDefaultAsync(c => c.PersonId == pending.PersonId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            current = new ContactEmail { PersonId = pending.PersonId, KasseId = pending.KasseId, Address = pending.Address };
            db.Add(current);
        }
        current.Address = pending.Address;
        current.ConfirmedAt = now;
        db.Remove(pending);
        await audit.AppendAsync(pending.KasseId, context, new AuditEvent(AuditAction.ContactEmailConfirmed, AuditOutcome.Success, pending.PersonId, kvnr,
            Details: System.Text.Json.JsonSerializer.Serialize(new { address = RequestContactEmail.Masked(pending.Address) })), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ContactEmailConfirmed(pending.PersonId, pending.Address);
    }
}
