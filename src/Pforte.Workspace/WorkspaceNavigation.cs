using Pforte.Core.Staff;

namespace Pforte.Workspace;

/// <summary>One entry of the workspace's navigation: shown only to staff whose roles meet its policy.</summary>
/// <param name="Path">The page's address.</param>
/// <param name="TextKey">Its name in <c>Resources/Shell.resx</c>.</param>
/// <param name="DescriptionKey">What it is for, on the start page ("Arbeitsplatz").</param>
/// <param name="Policy">The page's <see cref="WorkspacePolicies"/> policy.</param>
public sealed record WorkspaceNavEntry(string Path, string TextKey, string DescriptionKey, string Policy);

/// <summary>
/// The workspace's navigation and the start page's list: every area a part of the workspace adds is one entry here
/// (the caller screen, counter, back office, audit, administration). The layout shows an entry only when the staff
/// member's roles meet its policy.
/// </summary>
public static class WorkspaceNavigation
{
    public static readonly IReadOnlyList<WorkspaceNavEntry> Entries =
    [
        new(WorkspacePaths.Caller, "NavCaller", "NavCallerDescription", WorkspacePolicies.Caller),
        new(WorkspacePaths.Counter, "NavCounter", "NavCounterDescription", WorkspacePolicies.Counter),
        new(WorkspacePaths.Approvals, "NavApprovals", "NavApprovalsDescription", WorkspacePolicies.Supervisor),
        new(WorkspacePaths.StaffAdmin, "NavStaff", "NavStaffDescription", WorkspacePolicies.Admin),
        new(WorkspacePaths.ApiClients, "NavApiClients", "NavApiClientsDescription", WorkspacePolicies.Admin),
        new(WorkspacePaths.Mailbox, "NavMailbox", "NavMailboxDescription", WorkspacePolicies.BackOffice),
        new(WorkspacePaths.ContactRequests, "NavContact", "NavContactDescription", WorkspacePolicies.BackOffice),
        new(WorkspacePaths.ReturnedMail, "NavReturned", "NavReturnedDescription", WorkspacePolicies.BackOffice),
        new(WorkspacePaths.BatchReissue, "NavBatch", "NavBatchDescription", WorkspacePolicies.BackOffice),
        new(WorkspacePaths.LetterSamples, "NavSamples", "NavSamplesDescription", WorkspacePolicies.BackOffice),
        new(WorkspacePaths.AuditSearch, "NavSearch", "NavSearchDescription", WorkspacePolicies.Auditor),
        new(WorkspacePaths.AuditChain, "NavChain", "NavChainDescription", WorkspacePolicies.Auditor),
        new(WorkspacePaths.AuditAlarms, "NavAlarms", "NavAlarmsDescription", WorkspacePolicies.Auditor),
        new(WorkspacePaths.Channels, "NavChannels", "NavChannelsDescription", WorkspacePolicies.Admin),
        new(WorkspacePaths.Branches, "NavBranches", "NavBranchesDescription", WorkspacePolicies.Admin),
    ];

    public static IEnumerable<WorkspaceNavEntry> For(StaffActor? actor) =>
        actor is null ? [] : Entries.Where(e => WorkspacePolicies.Allows(e.Policy, actor.Roles));
}
