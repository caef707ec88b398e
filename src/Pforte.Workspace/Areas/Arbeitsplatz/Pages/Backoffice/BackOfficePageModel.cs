namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Backoffice;

/// <summary>Back office pages record their actions on the channel "backoffice".</summary>
public abstract class BackOfficePageModel : WorkspacePageModel
{
    protected override string AuditChannel => WorkspaceChannels.BackOffice;
}
