namespace Pforte.Core.Staff;

/// <summary>The signed-in staff member as a workspace page sees them (ADR 0023).</summary>
/// <param name="StaffId">The staff account's id (the audit record's actor is <c>staff:</c> + this).</param>
/// <param name="DisplayName">The name shown in the header.</param>
/// <param name="KasseId">The Kasse the staff member works for: every page works on this Kasse only.</param>
/// <param name="Roles">The roles (<see cref="StaffRoles"/>), as the account holds them now.</param>
/// <param name="SessionId">The server-side session.</param>
public sealed record StaffActor(string StaffId, string DisplayName, Guid KasseId, IReadOnlySet<string> Roles, Guid SessionId)
{
    public bool Has(string role) => Roles.Contains(role);

    /// <summary>The audit record's actor id of this staff member.</summary>
    public string AuditActorId => "staff:" + StaffId;
}
