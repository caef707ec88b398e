using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Pforte.Core.Accounts;
using Pforte.Core.Common;

namespace Pforte.Portal.Accounts;

/// <summary>
/// The WebAuthn ceremonies of portal accounts (<see cref="PasskeyCeremonyBase{TUser}"/>): the state per purpose
/// (registration, sign-in, step-up, adding) in the portal's flow cookie; refusals PF-ACC-017 (not saved) and PF-ACC-016.
/// </summary>
public sealed class PasskeyCeremonies(IPasskeyHandler<PortalAccount> handler, PortalFlowCookies flow, IHttpContextAccessor accessor, Microsoft.Extensions.Logging.ILogger<PasskeyCeremonies> logger)
    : PasskeyCeremonyBase<PortalAccount>(handler, accessor, logger, ErrorCodes.AccountPasskeyNotSaved, ErrorCodes.AccountPasskeyFailed)
{
    public const string Registration = "registration";
    public const string SignIn = "sign-in";
    public const string StepUp = "step-up";
    public const string Add = "add";

    public Task<string> CreationOptionsAsync(PortalAccount account, string displayName, string purpose)
    {
        ArgumentNullException.ThrowIfNull(account);
        return CreationOptionsAsync(account.Id, account.UserName!, displayName, purpose);
    }

    protected override void SetState(string purpose, string? state) => flow.SetPasskeyState(purpose, state);

    protected override string? TakeState(string purpose)
    {
        var state = flow.GetPasskeyState(purpose);
        flow.Clear(PortalFlowCookies.Passkey);
        return state;
    }

    /// <summary>A name for a new passkey from the browser (shown on the security page).</summary>
    public static string NameFor(string? browser) => new StringBuilder("Passkey (")
        .Append(browser ?? Texts.Accounts["UnknownDevice"]).Append(')').ToString();
}
