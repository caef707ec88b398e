namespace Pforte.Core.Authentication;

/// <summary>Trust levels after BSI TR-03107-1; identifiers as in the API.</summary>
public static class TrustLevels
{
    public const string None = "none";
    public const string Normal = "normal";
    public const string Substantiell = "substantiell";
    public const string Hoch = "hoch";
}

public static class TrustLevelOrder
{
    public static readonly IReadOnlyList<string> All = [TrustLevels.None, TrustLevels.Normal, TrustLevels.Substantiell, TrustLevels.Hoch];

    /// <summary>0 = none … 3 = hoch; -1 for an unknown identifier.</summary>
    public static int Rank(string? level) => level switch
    {
        TrustLevels.None => 0,
        TrustLevels.Normal => 1,
        TrustLevels.Substantiell => 2,
        TrustLevels.Hoch => 3,
        _ => -1,
    };

    public static bool IsKnown(string? level) => Rank(level) >= 0;
}

public static class AuthenticationMethods
{
    /// <summary>KVNR + card number + personal code (the machine procedure), level hoch.</summary>
    public const string MachineCode = "machine-code";

    /// <summary>Questions on facts only the person and the Kasse know, asked by an agent or the IVR.</summary>
    public const string PhoneQuestions = "phone-questions";

    /// <summary>Photo ID shown in a Beratungscenter.</summary>
    public const string InPersonDocument = "in-person-document";

    /// <summary>The portal's own two-factor login (done by the portal; recorded here when the portal reports it).</summary>
    public const string PortalLogin = "portal-login";

    /// <summary>Details in a letter, checked by the back office.</summary>
    public const string LetterDetails = "letter-details";

    /// <summary>Details in documents uploaded through the contact form, checked by the back office.</summary>
    public const string ContactFormDetails = "contact-form-details";

    public static readonly IReadOnlyList<string> All = [MachineCode, PhoneQuestions, InPersonDocument, PortalLogin, LetterDetails, ContactFormDetails];

    public static bool IsKnown(string? method) => method is not null && All.Contains(method, StringComparer.Ordinal);
}

/// <summary>
/// A stored authentication: who was authenticated, how, at which level, on which channel, by which client, until
/// when. Later decisions reference it by id; an expired or foreign one never counts.
/// </summary>
public sealed class PersonAuthentication
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    public required string Method { get; set; }

    public required string Level { get; set; }

    public required string Channel { get; set; }

    public Guid? ClientId { get; set; }

    /// <summary>The staff member who authenticated the person (agent, back office), as the client reports it.</summary>
    public string? StaffId { get; set; }

    /// <summary>
    /// Set when the one authenticated was a representative without an insured record of their own (recorded in
    /// <c>representatives</c>); <see cref="PersonId"/> is then the represented person. Decisions check that
    /// representation's scope and validity.
    /// </summary>
    public Guid? RepresentativeId { get; set; }

    /// <summary>
    /// The telephony platform's id of the call in which the person was authenticated (the IVR's or the agent's
    /// <c>source.callId</c>): the staff workspace finds the authentication of the call an agent takes by it.
    /// </summary>
    public string? CallId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ValidUntil { get; set; }
}
