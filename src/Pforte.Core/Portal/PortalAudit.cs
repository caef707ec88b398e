using Pforte.Core.Audit;
using Pforte.Core.Disclosure;

namespace Pforte.Core.Portal;

/// <summary>
/// How the portal names its actor in the audit record: the insured person who is signed in, or — while a
/// representative acts for someone — the representation ("X für Y", ADR 0017). The actor id carries the
/// representation's id, never a name, so the record stays free of personal data beyond ids; the security history
/// resolves the name from the representations of the person whose history it is.
/// </summary>
public static class PortalAudit
{
    public const string PersonPrefix = "portal:person:";
    public const string RepresentativePrefix = "portal:representative:";

    /// <param name="personId">The signed-in person (the representative's own record while acting for someone).</param>
    /// <param name="representativeId">The representation acted under, or null when the person acts for themselves.</param>
    /// <param name="sourceIp">The caller's address as the host sees it.</param>
    /// <param name="sessionId">The portal session, for tracing one sign-in's actions.</param>
    public static AuditContext Context(Guid personId, Guid? representativeId, string? sourceIp, string? sessionId) =>
        new(ActorKind.Insured,
            representativeId is { } r ? RepresentativePrefix + r.ToString("N") : PersonPrefix + personId.ToString("N"),
            Channels.Portal, SourceIp: sourceIp, CorrelationId: sessionId);

    /// <summary>The representation an actor id names, if it names one.</summary>
    public static Guid? RepresentativeOf(string? actorId) =>
        actorId is not null && actorId.StartsWith(RepresentativePrefix, StringComparison.Ordinal)
            && Guid.TryParseExact(actorId.AsSpan(RepresentativePrefix.Length), "N", out var id) ? id : null;
}
