namespace Pforte.Workspace;

public static partial class WorkspaceTexts
{
    /// <summary>Caller screen, counter, approvals (ADR 0025).</summary>
    public static readonly Pforte.Portal.TextSet Agent = Set("Agent");
}
