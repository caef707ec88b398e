using Pforte.Portal;

namespace Pforte.Workspace;

public static partial class WorkspaceTexts
{
    /// <summary>The auditor's pages: search, export, chain check, alarms.</summary>
    public static readonly TextSet Auditor = Set("Auditor");

    /// <summary>Back office: letters QA, returned mail, batch re-issue, inboxes.</summary>
    public static readonly TextSet BackOffice = Set("BackOffice");

    /// <summary>Administration's catalogues: channels, Beratungscenter.</summary>
    public static readonly TextSet Catalogue = Set("Catalogue");
}
