using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Staff;
using Pforte.Portal;

namespace Pforte.Workspace;

/// <summary>
/// Base of every workspace page (issue 14 contract): the signed-in staff member (<see cref="Staff"/>) and the audit
/// context every staff action is recorded with (<see cref="Audit"/>: actor <c>staff:&lt;id&gt;</c>, the page's channel,
/// the remote IP, the request id). Form errors as in the portal (<see cref="FormPageModel"/>: partials
/// <c>_ErrorSummary</c> and <c>_Field</c>).
/// </summary>
public abstract class WorkspacePageModel : FormPageModel
{
    private StaffActor? _staff;

    /// <summary>The signed-in staff member (the page's policy guarantees one).</summary>
    protected StaffActor Staff => _staff ??= WorkspaceClaims.Actor(User) ?? throw new InvalidOperationException("No staff member is signed in.");

    /// <summary>The staff member, or null on the pages open without sign-in.</summary>
    protected StaffActor? StaffOrNull => _staff ??= WorkspaceClaims.Actor(User);

    /// <summary>
    /// The audit channel of this page: <see cref="WorkspaceChannels.Phone"/> for the caller screen,
    /// <see cref="WorkspaceChannels.InPerson"/> for the counter, <see cref="WorkspaceChannels.BackOffice"/> for back office
    /// pages, <see cref="WorkspaceChannels.Workspace"/> otherwise (the default).
    /// </summary>
    protected virtual string AuditChannel => WorkspaceChannels.Workspace;

    protected AuditContext Audit => new(ActorKind.Staff, Staff.AuditActorId, Channel: AuditChannel, SourceIp: RemoteIp(HttpContext), CorrelationId: HttpContext.TraceIdentifier);

    protected override string FieldRequiredCode => ErrorCodes.StaffFieldRequired;

    /// <summary>The remote address in canonical form.</summary>
    public static string? RemoteIp(Microsoft.AspNetCore.Http.HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : null;
    }
}

/// <summary>The audit channels of workspace pages (phone and in-person are the disclosure channels of the same name).</summary>
public static class WorkspaceChannels
{
    public const string Phone = Pforte.Core.Disclosure.Channels.Phone;
    public const string InPerson = Pforte.Core.Disclosure.Channels.InPerson;
    public const string BackOffice = "backoffice";
    public const string Workspace = "workspace";
}
