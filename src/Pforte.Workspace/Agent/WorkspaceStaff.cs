namespace Pforte.Workspace.Agent;

/// <summary>Constants of the agent's screens.</summary>
public static class WorkspaceStaff
{
    /// <summary>
    /// The workspace is not an API client: authentications recorded from its screens carry no client id (null, never
    /// an all-zero id) and the staff member's id (ADR 0025).
    /// </summary>
    public static Guid? NoClient => null;
}
