using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Pforte.Core.Common;

namespace Pforte.Portal;

/// <summary>
/// The WebAuthn ceremonies with Identity's passkey handler (.NET 10), for the accounts of one surface (portal
/// accounts, staff accounts): options for the browser, then the verification of what the browser's authenticator
/// answered (challenge, origin, signature, user verification). The challenge state travels in a protected cookie per
/// purpose (<see cref="SetState"/>), so an answer is accepted only for the ceremony it was made for.
/// </summary>
public abstract class PasskeyCeremonyBase<TUser>(IPasskeyHandler<TUser> handler, IHttpContextAccessor accessor, ILogger logger, string notSavedCode, string failedCode)
    where TUser : class
{
    /// <summary>Largest credential answer accepted (a passkey's JSON is a few kilobytes).</summary>
    public const int MaxCredentialLength = 32_000;

    protected HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No request.");

    /// <summary>Keeps the ceremony's state for <paramref name="purpose"/>.</summary>
    protected abstract void SetState(string purpose, string? state);

    /// <summary>Returns the state of <paramref name="purpose"/> and forgets it (an answer is checked once).</summary>
    protected abstract string? TakeState(string purpose);

    protected async Task<string> CreationOptionsAsync(Guid accountId, string userName, string displayName, string purpose)
    {
        var entity = new PasskeyUserEntity { Id = accountId.ToString(), Name = userName, DisplayName = displayName };
        var result = await handler.MakeCreationOptionsAsync(entity, Http).ConfigureAwait(false);
        SetState(purpose, result.AttestationState);
        return result.CreationOptionsJson;
    }

    /// <summary>Verifies a new credential for <paramref name="accountId"/>.</summary>
    public async Task<Result<UserPasskeyInfo>> AttestAsync(string? credentialJson, string purpose, Guid accountId)
    {
        var state = TakeState(purpose);
        if (state is null || credentialJson is not { Length: > 0 and <= MaxCredentialLength })
        {
            PasskeyLog.Refused(logger, purpose, state is null ? "no ceremony under way" : "no or too long an answer");
            return new Error(notSavedCode);
        }
        var result = await handler.PerformAttestationAsync(new PasskeyAttestationContext { HttpContext = Http, CredentialJson = credentialJson, AttestationState = state }).ConfigureAwait(false);
        if (!result.Succeeded || result.UserEntity.Id != accountId.ToString())
        {
            PasskeyLog.Refused(logger, purpose, result.Failure?.Message ?? "another account's credential");
            return new Error(notSavedCode);
        }
        return result.Passkey;
    }

    /// <summary>Options for a sign-in (any of the device's passkeys for this site: <paramref name="account"/> null) or for the account's own.</summary>
    public async Task<string> RequestOptionsAsync(TUser? account, string purpose)
    {
        var result = await handler.MakeRequestOptionsAsync(account, Http).ConfigureAwait(false);
        SetState(purpose, result.AssertionState);
        return result.RequestOptionsJson;
    }

    /// <summary>Verifies an assertion.</summary>
    public async Task<Result<(TUser Account, UserPasskeyInfo Passkey)>> AssertAsync(string? credentialJson, string purpose)
    {
        var state = TakeState(purpose);
        if (state is null || credentialJson is not { Length: > 0 and <= MaxCredentialLength })
        {
            PasskeyLog.Refused(logger, purpose, state is null ? "no ceremony under way" : "no or too long an answer");
            return new Error(failedCode);
        }
        var result = await handler.PerformAssertionAsync(new PasskeyAssertionContext { HttpContext = Http, CredentialJson = credentialJson, AssertionState = state }).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            PasskeyLog.Refused(logger, purpose, result.Failure?.Message ?? "?");
            return new Error(failedCode);
        }
        return (result.User, result.Passkey);
    }
}

internal static partial class PasskeyLog
{
    /// <summary>Why a ceremony was refused (the framework's reason: nothing secret, no personal data).</summary>
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Passkey ({Purpose}) abgelehnt: {Reason}")]
    public static partial void Refused(ILogger logger, string purpose, string reason);
}
