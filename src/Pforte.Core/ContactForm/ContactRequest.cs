namespace Pforte.Core.ContactForm;

public enum ContactRequestStatus
{
    Open = 0,
    Answered = 1,
    Closed = 2,
}

/// <summary>
/// A request sent through the public contact form (ADR 0022). Everything the sender typed about themselves — name,
/// birth date, KVNR, address, message — is one encrypted document (<see cref="Sealed"/>) under the row's own data key
/// (<see cref="WrappedKey"/>, ContentCipher); in the clear only the receipt number, the topic, times and status. Never
/// linked to a person automatically: staff match it after a written authentication.
/// </summary>
public sealed class ContactRequest
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    /// <summary>The "Vorgangsnummer" the sender got, e.g. KF-2026-7G4K-Q9XM (random, no personal data).</summary>
    public required string ReceiptNumber { get; set; }

    /// <summary>A request kind (docs/disclosure.md) that the contact form carries.</summary>
    public required string Topic { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public ContactRequestStatus Status { get; set; }

    public DateTimeOffset StatusAt { get; set; }

    public required byte[] WrappedKey { get; set; }

    /// <summary>The content-wrap key version <see cref="WrappedKey"/> is wrapped under (so that an old key is retired only when no row needs it).</summary>
    public int KeyVersion { get; set; }

    /// <summary>The sender's details and message (JSON), encrypted; bound to the row id and field "details".</summary>
    public required byte[] Sealed { get; set; }

    public int AttachmentCount { get; set; }

    public Guid? MatchedPersonId { get; set; }

    public Guid? MatchedAuthenticationId { get; set; }

    public DateTimeOffset? MatchedAt { get; set; }

    public List<ContactAttachment> Attachments { get; } = [];
}

/// <summary>A file sent with the form, checked by the AttachmentInspector; name and content encrypted under the request's key.</summary>
public sealed class ContactAttachment
{
    public Guid Id { get; set; }

    public Guid RequestId { get; set; }

    public int Position { get; set; }

    public required string ContentType { get; set; }

    public long Size { get; set; }

    public required byte[] SealedName { get; set; }

    public required byte[] SealedContent { get; set; }
}

/// <summary>Settings under <c>Pforte:ContactForm</c>.</summary>
public sealed class ContactFormOptions
{
    public const string Section = "Pforte:ContactForm";

    /// <summary>How long requests are kept after their last status change (then <see cref="StaffContactRequests.PurgeAsync"/>).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(365);

    /// <summary>A form sent sooner than this after it was shown is refused (spam defence; people need longer).</summary>
    public TimeSpan MinimumFillTime { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A form older than this is refused (reload it); the token carries its own time.</summary>
    public TimeSpan MaximumFillTime { get; set; } = TimeSpan.FromHours(4);
}
