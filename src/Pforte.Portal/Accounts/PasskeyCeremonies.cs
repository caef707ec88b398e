using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Pforte.Core.Accounts;
using Pforte.Core.Common;

namespace Pforte.Portal.Accounts;

/// <summary>
/// The WebAuthn ceremonies with Identity's passkey handler (.NET 10): options for the browser, then the verification of
/// what the browser's authenticator answered (challenge, origin, signature, user verification). The challenge state
/// travels in a protected cookie per purpose (registration, sign-in, step-up, adding), so an answer is accepted only
/// for the ceremony it was made for.
/// </summary>
public sealed partial class PasskeyCeremonies(IPasskeyHandler<PortalAccount> handler, PortalFlowCookies flow, IHttpContextAccessor accessor, Microsoft.Extensions.Logging.ILogger<PasskeyCeremonies> logger)
{
    public const string Registration = "registration";
    public const string SignIn = "sign-in";
    public const string StepUp = "step-up";
    public const string Add = "add";

    /// <summary>Largest credential answer accepted (a passkey's JSON is a few kilobytes).</summary>
    public const int MaxCredentialLength = 32_000;

    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No request.");

    public async Task<string> CreationOptionsAsync(PortalAccount account, string displayName, string purpose)
    {
        ArgumentNullException.ThrowIfNull(account);
        var entity = new PasskeyUserEntity { Id = account.Id.ToString(), Name = account.UserName!, DisplayName = displayName };
        var result = await handler.MakeCreationOptionsAsync(entity, Http).ConfigureAwait(false);
        flow.SetPasskeyState(purpose, result.AttestationState);
        return result.CreationOptionsJson;
    }

    /// <summary>Verifies a new credential for <paramref name="accountId"/>; PF-ACC-017 when it is not one.</summary>
    public async Task<Result<UserPasskeyInfo>> AttestAsync(string? credentialJson, string purpose, Guid accountId)
    {
        var state = flow.GetPasskeyState(purpose);
        flow.Clear(PortalFlowCookies.Passkey);
        if (state is null || credentialJson is not { Length: > 0 and <= MaxCredentialLength })
        {
            LogRefused(logger, purpose, state is null ? "no ceremony under way" : "no or too long an answer");
            return new Error(ErrorCodes.AccountPasskeyNotSaved);
        }
        var result = await handler.PerformAttestationAsync(new PasskeyAttestationContext { HttpContext = Http, CredentialJson = credentialJson, AttestationState = state }).ConfigureAwait(false);
        if (!result.Succeeded || result.UserEntity.Id != accountId.ToString())
        {
            LogRefused(logger, purpose, result.Failure?.Message ?? "another account's credential");
            return new Error(ErrorCodes.AccountPasskeyNotSaved);
        }
        return result.Passkey;
    }

    /// <summary>Options for a sign-in (any of the device's passkeys for this site: <paramref name="account"/> null) or a step-up (the account's).</summary>
    public async Task<string> RequestOptionsAsync(PortalAccount? account, string purpose)
    {
        var result = await handler.MakeRequestOptionsAsync(account, Http).ConfigureAwait(false);
        flow.SetPasskeyState(purpose, result.AssertionState);
        return result.RequestOptionsJson;
    }

    /// <summary>Verifies an assertion; PF-ACC-016 when it does not hold.</summary>
    public async Task<Result<(PortalAccount Account, UserPasskeyInfo Passkey)>> AssertAsync(string? credentialJson, string purpose)
    {
        var state = flow.GetPasskeyState(purpose);
        flow.Clear(PortalFlowCookies.Passkey);
        if (state is null || credentialJson is not { Length: > 0 and <= MaxCredentialLength })
        {
            LogRefused(logger, purpose, state is null ? "no ceremony under way" : "no or too long an answer");
            return new Error(ErrorCodes.AccountPasskeyFailed);
        }
        var result = await handler.PerformAssertionAsync(new PasskeyAssertionContext { HttpContext = Http, CredentialJson = credentialJson, AssertionState = state }).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            LogRefused(logger, purpose, result.Failure?.Message ?? "?");
            return new Error(ErrorCodes.AccountPasskeyFailed);
        }
        return (result.User, result.Passkey);
    }

    /// <summary>A name for a new passkey from the browser (shown on the security page).</summary>
    public static string NameFor(string? browser) => new StringBuilder("Passkey (")
        .Append(browser ?? Texts.Accounts["UnknownDevice"]).Append(')').ToString();

    /// <summary>Why a ceremony was refused (the framework's reason: nothing secret, no personal data).</summary>
    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 5001, Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Passkey ({Purpose}) abgelehnt: {Reason}")]
    private static partial void LogRefused(Microsoft.Extensions.Logging.ILogger logger, string purpose, string reason);
}
