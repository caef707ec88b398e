namespace Pforte.Core.Letters;

/// <summary>Letter kinds; the identifiers are used in the manifest, the API and the CLI.</summary>
public static class LetterKinds
{
    public const string CodeFirst = "code-first";
    public const string CodeReissued = "code-reissued";
    public const string CodeReissuedAfterLock = "code-reissued-after-lock";
    public const string CodeLocked = "code-locked";
    /// <summary>Confirmation of a code change made online, in the portal (the kind's identifier predates the phone variant).</summary>
    public const string CodeChanged = "code-changed";

    /// <summary>Confirmation of a code change made on the phone (IVR or agent): the letter must say how it was changed.</summary>
    public const string CodeChangedByPhone = "code-changed-phone";
    public const string AddressChanged = "address-changed";

    /// <summary>Confirmation of bank details given or changed in the portal (never the account number in full).</summary>
    public const string BankDetailsChanged = "bank-details-changed";

    /// <summary>"Aktivierungsbrief": a one-time activation code to register in the portal without the authentication code (ADR 0015).</summary>
    public const string PortalActivation = "portal-activation";

    public static readonly IReadOnlyList<string> All = [CodeFirst, CodeReissued, CodeReissuedAfterLock, CodeLocked, CodeChanged, CodeChangedByPhone, AddressChanged, PortalActivation, BankDetailsChanged];

    /// <summary>The confirmation of a code change for the channel it came through (the machine code is used on the phone and in the portal).</summary>
    public static string CodeChangedVia(string channel) =>
        string.Equals(channel, Disclosure.Channels.Phone, StringComparison.Ordinal) ? CodeChangedByPhone : CodeChanged;

    /// <summary>Kinds that carry a code: security letters, printed in files of their own.</summary>
    public static bool CarriesCode(string kind) => kind is CodeFirst or CodeReissued or CodeReissuedAfterLock or PortalActivation;

    /// <summary>What the code box of a code letter is headed with.</summary>
    public static string CodeLabel(string kind) => kind == PortalActivation ? "Ihr Aktivierungscode für das Onlineportal" : "Ihr persönlicher Authentifizierungscode";
}

/// <summary>
/// A letter in the durable outbox. The address is copied at queue time (the letter goes where the person lived when
/// it was decided). A code letter holds its code sealed (AES-GCM, letter key) until the print hand-over clears it.
/// </summary>
public sealed class OutboxLetter
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    public required string Kind { get; set; }

    public required string Kvnr { get; set; }

    public required string FamilyName { get; set; }

    public required string GivenName { get; set; }

    public required string Street { get; set; }

    public required string HouseNumber { get; set; }

    public required string PostalCode { get; set; }

    public required string City { get; set; }

    public required string Country { get; set; }

    public DateTimeOffset QueuedAt { get; set; }

    /// <summary>Version ‖ nonce ‖ ciphertext ‖ tag; null for letters without code and after the hand-over.</summary>
    public byte[]? SealedCode { get; set; }

    public DateTimeOffset? ExportedAt { get; set; }

    public Guid? BatchId { get; set; }

    public DateTimeOffset? ReturnedAt { get; set; }
}
