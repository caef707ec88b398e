namespace Pforte.Core.Clients;

/// <summary>What an API client may do. A client gets only the scopes its job needs.</summary>
public static class ApiScopes
{
    /// <summary>Read insured master data (core system, portal back end).</summary>
    public const string InsuredRead = "insured:read";

    /// <summary>Create and update insured master data (core system).</summary>
    public const string InsuredWrite = "insured:write";

    /// <summary>The machine authentication procedure: verify and change codes (IVR, portal back end).</summary>
    public const string MachineAuth = "machine-auth";

    /// <summary>Staff workplace functions: code status, re-issue, decisions.</summary>
    public const string Staff = "staff";

    /// <summary>Print hand-over of letters (print service).</summary>
    public const string Letters = "letters";

    /// <summary>Read the audit record (auditors, data protection officer).</summary>
    public const string AuditRead = "audit:read";

    /// <summary>Portal back end: records completed portal logins (the portal does the two-factor login itself).</summary>
    public const string Portal = "portal";

    public static readonly IReadOnlyList<string> All = [InsuredRead, InsuredWrite, MachineAuth, Staff, Letters, AuditRead, Portal];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}
