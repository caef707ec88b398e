namespace Pforte.Core.Staff;

/// <summary>
/// The roles of staff in the workspace (issue 14, ADR 0023). A staff account holds one or more; the workspace's
/// policies name which roles open which page. The German display names are in the workspace's resources.
/// </summary>
public static class StaffRoles
{
    /// <summary>Phone agent ("Telefon").</summary>
    public const string Agent = "agent";

    /// <summary>Beratungscenter, in person.</summary>
    public const string Counter = "counter";

    /// <summary>Back office: mailbox team inboxes, contact form, returned mail, letters.</summary>
    public const string BackOffice = "backoffice";

    /// <summary>Team lead ("Teamleitung"): what agents, counter and back office may do, and the second pair of eyes.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Auditor ("Prüfung"): reads the audit record, changes nothing.</summary>
    public const string Auditor = "auditor";

    /// <summary>Administration ("Verwaltung"): staff accounts, API clients, catalogues.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Agent, Counter, BackOffice, Supervisor, Auditor, Admin];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);

    /// <summary>The stored form: known roles in the order of <see cref="All"/>, comma-separated.</summary>
    public static string Join(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return string.Join(',', All.Where(set.Contains));
    }

    public static IReadOnlySet<string> Split(string? stored) =>
        (stored ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(IsKnown).ToHashSet(StringComparer.Ordinal);
}
