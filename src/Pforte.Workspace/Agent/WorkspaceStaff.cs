namespace Pforte.Workspace.Agent;

/// <summary>Constants of the agent's screens.</summary>
public static class WorkspaceStaff
{
    /// <summary>
    /// The workspace is not an API client: authentications recorded from its screens carry this client id (all zeros)
    /// and the staff member's id (ADR 0025).
    /// </summary>
    public static readonly Guid ClientId = Guid.Empty;
}
