using Microsoft.AspNetCore.Authorization;
using Pforte.Core.Staff;

namespace Pforte.Workspace;

/// <summary>
/// The workspace's authorization policies (issue 14 contract): every page carries exactly one via
/// <c>[Authorize(Policy = ...)]</c>. A policy is met by a signed-in staff member (live server-side session) holding one
/// of its roles.
/// </summary>
public static class WorkspacePolicies
{
    /// <summary>Caller screen: agent, counter, supervisor.</summary>
    public const string Caller = "Workspace.Caller";

    /// <summary>Counter (Beratungscenter): counter, supervisor.</summary>
    public const string Counter = "Workspace.Counter";

    /// <summary>Back office: backoffice, supervisor.</summary>
    public const string BackOffice = "Workspace.BackOffice";

    /// <summary>Supervisor only (second pair of eyes).</summary>
    public const string Supervisor = "Workspace.Supervisor";

    /// <summary>Auditor: read-only, changes nothing anywhere.</summary>
    public const string Auditor = "Workspace.Auditor";

    /// <summary>Administration: staff accounts, API clients, catalogues.</summary>
    public const string Admin = "Workspace.Admin";

    /// <summary>Any role: start page, own account.</summary>
    public const string AnyStaff = "Workspace.AnyStaff";

    /// <summary>The roles that meet each policy.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Roles = new Dictionary<string, IReadOnlyList<string>>
    {
        [Caller] = [StaffRoles.Agent, StaffRoles.Counter, StaffRoles.Supervisor],
        [Counter] = [StaffRoles.Counter, StaffRoles.Supervisor],
        [BackOffice] = [StaffRoles.BackOffice, StaffRoles.Supervisor],
        [Supervisor] = [StaffRoles.Supervisor],
        [Auditor] = [StaffRoles.Auditor],
        [Admin] = [StaffRoles.Admin],
        [AnyStaff] = StaffRoles.All,
    };

    /// <summary>True when a staff member with <paramref name="roles"/> meets <paramref name="policy"/>.</summary>
    public static bool Allows(string policy, IReadOnlySet<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return Roles.TryGetValue(policy, out var allowed) && allowed.Any(roles.Contains);
    }

    internal static void Add(AuthorizationBuilder builder)
    {
        foreach (var (policy, roles) in Roles)
        {
            builder.AddPolicy(policy, p => p
                .AddAuthenticationSchemes(WorkspaceAuth.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(WorkspaceClaims.SessionId)
                .RequireRole(roles));
        }
    }
}
