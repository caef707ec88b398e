using Microsoft.AspNetCore.Authorization;
using Pforte.Core.Disclosure;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Verwaltung;

/// <summary>
/// The channel catalogue as configured (<c>/arbeitsplatz/verwaltung/kanaele</c>), read-only: each channel's inbound
/// and outbound use and authentication methods, each request kind's protection need and channels — what
/// <c>GET /api/v1/disclosure/channels</c> returns. It is changed in the configuration, not here.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class KanaeleModel(DisclosurePolicy policy) : WorkspacePageModel
{
    public IReadOnlyList<ChannelRule> Channels => policy.Channels;

    public IReadOnlyList<RequestKindRule> RequestKinds => policy.RequestKinds;
}
