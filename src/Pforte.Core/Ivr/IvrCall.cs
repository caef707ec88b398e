namespace Pforte.Core.Ivr;

/// <summary>Where a call is in the dialogue (ADR 0027).</summary>
public enum IvrCallState
{
    /// <summary>The dialogue runs: the platform sends the caller's next input.</summary>
    Active = 1,

    /// <summary>Handed over to an agent (<see cref="IvrCall.HandoverReason"/>; "verified" with an authentication).</summary>
    HandedOver = 2,

    /// <summary>The caller hung up before the dialogue ended.</summary>
    HungUp = 3,
}

/// <summary>The field the dialogue asks for.</summary>
public enum IvrStep
{
    Kvnr = 1,
    KvnrConfirm = 2,
    Card = 3,
    Code = 4,

    /// <summary>
    /// Written by releases before the code check joined the verification batch (the call was claimed in a transaction
    /// of its own); such a call refuses further input (409) until it expires. Not written any more.
    /// </summary>
    Verifying = 5,
}

/// <summary>
/// One call of the phone dialogue, persisted so that any server process can serve its next turn: keyed by
/// (Kasse, call id), changed with optimistic concurrency (<see cref="Version"/>). When the dialogue ends the row is the
/// hand-over record the staff workspace reads (state, reason, the authentication). The clear code is never stored;
/// the card digits only while the call asks for the code (cleared when it ends).
/// </summary>
public sealed class IvrCall
{
    public const int CallIdLength = 128;
    public const int NumberLength = 16;
    public const int ReasonLength = 32;

    public Guid KasseId { get; set; }

    public required string CallId { get; set; }

    /// <summary>The API client that started the call; only it may continue it.</summary>
    public Guid ClientId { get; set; }

    /// <summary>The calling number in E.164 form, or null when withheld.</summary>
    public string? CallerId { get; set; }

    /// <summary>The number the caller dialled (E.164), as the platform reported it.</summary>
    public string? DialledNumber { get; set; }

    public IvrCallState State { get; set; }

    public IvrStep Step { get; set; }

    /// <summary>Failed tries (invalid input, no input) at the current field.</summary>
    public int Tries { get; set; }

    /// <summary>Checks by the machine procedure that did not verify, in this call.</summary>
    public int FailedChecks { get; set; }

    /// <summary>The insurance number as keyed (valid syntax, not verified: never tells whether it exists).</summary>
    public string? Kvnr { get; set; }

    /// <summary>The card digits as keyed, kept only until the code is checked.</summary>
    public string? CardDigits { get; set; }

    public Guid? PersonId { get; set; }

    public Guid? AuthenticationId { get; set; }

    /// <summary>Why the call went to an agent (<see cref="IvrHandoverReasons"/>).</summary>
    public string? HandoverReason { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>After this moment the call is gone for the dialogue (inputs get PF-IVR-002); the row is purged later.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Optimistic concurrency: every change increments it; a change based on an older version fails (409).</summary>
    public int Version { get; set; }

    /// <summary>A detached copy (the code turn's batch works on one: ADR 0027).</summary>
    internal IvrCall Copy() => (IvrCall)MemberwiseClone();
}

/// <summary>Why a call was handed to an agent (stable ids: API, audit reason code, docs/ivr.md).</summary>
public static class IvrHandoverReasons
{
    public const string Verified = "verified";
    public const string CallerRequest = "caller-request";
    public const string AlternativeAuthentication = "alternative-authentication";
    public const string NotVerified = "not-verified";
    public const string NoInput = "no-input";
    public const string InvalidInput = "invalid-input";
    public const string Throttled = "throttled";
    public const string MethodNotOffered = "method-not-offered";
}
