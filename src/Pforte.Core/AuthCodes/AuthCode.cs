namespace Pforte.Core.AuthCodes;

public enum AuthCodeState
{
    /// <summary>No code: never issued, or deleted (see <see cref="AuthCode.Reason"/>).</summary>
    None = 0,

    /// <summary>A new code waits in its letter for the print hand-over; attempts fail without counting.</summary>
    Pending = 1,

    /// <summary>Usable.</summary>
    Active = 2,

    /// <summary>Locked after too many failures and not re-issued (cap reached): staff must act.</summary>
    Locked = 3,
}

/// <summary>
/// The authentication code of one person: never the code itself, only its keyed hash. One row per person holds the
/// current state; failures are counted on this row by one atomic UPDATE shared by every channel and process.
/// </summary>
public sealed class AuthCode
{
    public Guid PersonId { get; set; }

    public Guid KasseId { get; set; }

    public AuthCodeState State { get; set; }

    /// <summary>HMAC-SHA256(key_v, person-id ‖ code); null when there is no code.</summary>
    public byte[]? CodeHash { get; set; }

    public int KeyVersion { get; set; }

    /// <summary>Consecutive failed attempts with the right KVNR and card; reset by a success.</summary>
    public int Failures { get; set; }

    public DateTimeOffset StateSince { get; set; }

    /// <summary>The letter that carries the pending code.</summary>
    public Guid? PendingLetterId { get; set; }

    public DateTimeOffset? LockedAt { get; set; }

    /// <summary>Why the state is what it is (stable ids, e.g. <c>too-many-failures</c>, <c>insurance-ended</c>).</summary>
    public string? Reason { get; set; }
}

/// <summary>Stable reason ids stored on <see cref="AuthCode.Reason"/> and shown to staff.</summary>
public static class AuthCodeReasons
{
    public const string FirstIssue = "first-issue";
    public const string TooManyFailures = "too-many-failures";
    public const string ReissueCapReached = "reissue-cap-reached";
    public const string StaffReissue = "staff-reissue";
    public const string Changed = "changed";
    public const string InsuranceEnded = "insurance-ended";
    public const string Deceased = "deceased";
    public const string NoLongerEligible = "no-longer-eligible";
    public const string LetterReturned = "letter-returned";
    public const string BatchLost = "batch-lost";
    public const string AddressChanged = "address-changed";
}
