using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pforte.Core.Accounts;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Staff;

/// <summary>A completed staff login: its server-side session and who signed in.</summary>
public sealed record StaffLogin(Guid SessionId, StaffActor Actor, DateTimeOffset ExpiresAt);

/// <summary>The password step's outcome: the account, and whether it must first set up its second factor.</summary>
public sealed record StaffPasswordChecked(Guid AccountId, bool NeedsSecondFactor);

/// <summary>The authenticator app to set up: the secret as text (base32) and as <c>otpauth://</c> URI for the QR code.</summary>
public sealed record StaffTotpEnrolment(string Secret, string Uri, string UserName);

/// <summary>
/// Sign-in of staff (ADR 0023): user name + password, then the authenticator app's code — or, for an account that has
/// no second factor yet, setting up the app first (a local account never opens the workspace without one); or a
/// passkey alone. The password step answers the same (PF-STAFF-001) for an unknown name, a disabled, locked or external
/// account and a wrong password, at the same cost (a decoy hash). Failed steps are counted by one atomic UPDATE and
/// lock the account at <see cref="StaffOptions.MaxFailures"/>. Every step is audited with the staff identity (an unknown
/// user name belongs to no Kasse's audit chain: it is logged without the name). Never a password, secret or code in
/// the audit record or the log.
/// </summary>
public sealed class SignInStaff(
    PforteDbContext db,
    IPasswordHasher<StaffAccount> hasher,
    SecretSealer sealer,
    IOptions<StaffOptions> options,
    AuditLog audit,
    TimeProvider clock,
    ILogger<SignInStaff> logger)
{
    private readonly StaffOptions _options = options.Value;

    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<StaffAccount>().HashPassword(null!, Guid.NewGuid().ToString()));

    private Error Failed => new(ErrorCodes.StaffSignInFailed, _options.MaxFailures, (int)_options.LockoutFor.TotalMinutes);

    private Error SecondFactorFailed => new(ErrorCodes.StaffSecondFactorFailed, _options.MaxFailures, (int)_options.LockoutFor.TotalMinutes);

    /// <summary>The issuer shown in the authenticator app.</summary>
    public const string TotpIssuer = "Pforte Arbeitsplatz";

    /// <summary>The audit context of a step on a known account: the staff member as actor, the request's other parts.</summary>
    public static AuditContext As(StaffAccount account, AuditContext request)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);
        return request with { ActorKind = ActorKind.Staff, ActorId = "staff:" + account.Id };
    }

    /// <summary>Step 1: the password.</summary>
    public async Task<Result<StaffPasswordChecked>> CheckPasswordAsync(string? userName, string? password, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = StaffAccounts.CheckUserName(userName);
        var normalized = name.IsSuccess ? StaffAccounts.Normalize(name.Value) : null;
        var account = normalized is null ? null : await db.StaffAccounts.AsNoTracking()
            .SingleOrDefaultAsync(a => a.NormalizedUserName == normalized, cancellationToken).ConfigureAwait(false);
        var usable = account is { PasswordHash: not null, ExternalSubject: null };
        var verdict = hasher.VerifyHashedPassword(account!, usable ? account!.PasswordHash! : DecoyHash.Value, password ?? "");
        if (account is null)
        {
            logger.LogInformation("Staff sign-in with an unknown user name refused.");
            return Failed;
        }
        var reason = account.IsDisabled ? "disabled" : account.IsExternal ? "external-account" : IsLocked(account) ? "locked" : null;
        if (reason is not null || !usable)
        {
            await FailAsync(account, reason ?? "no-password", context, cancellationToken).ConfigureAwait(false);
            return Failed;
        }
        if (verdict == PasswordVerificationResult.Failed)
        {
            await CountFailureAsync(account, "wrong-password", context, cancellationToken).ConfigureAwait(false);
            return Failed;
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehashed = hasher.HashPassword(account, password!);
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await db.StaffAccounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordHash, rehashed), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return new StaffPasswordChecked(account.Id, !await HasSecondFactorAsync(account, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Step 2: the authenticator app's code; completes the login.</summary>
    public async Task<Result<StaffLogin>> CompleteWithTotpAsync(Guid accountId, string? code, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (CheckFormat(code) is { } format)
        {
            return format;
        }
        var account = await UsableAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is not { TotpConfirmedAt: not null })
        {
            return new Error(ErrorCodes.StaffSignInExpired);
        }
        if (!await CheckTotpAsync(account, code!, context, cancellationToken).ConfigureAwait(false))
        {
            return SecondFactorFailed;
        }
        return await LoginAsync(account, [StaffFactors.Password, StaffFactors.Totp], context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The authenticator app to set up, for an account after its password and without a second factor yet: a new secret
    /// is drawn once and kept sealed until confirmed (showing the page again shows the same one).
    /// </summary>
    public async Task<Result<StaffTotpEnrolment>> BeginTotpEnrolmentAsync(Guid accountId, CancellationToken cancellationToken = default)
    {
        var account = await UsableAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null || account.IsExternal || await HasSecondFactorAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.StaffEnrolmentExpired);
        }
        byte[] secret;
        if (account.SealedAuthenticatorKey is { } pending)
        {
            secret = sealer.Unseal(account.Id, pending);
        }
        else
        {
            secret = Totp.NewSecret();
            var sealedKey = sealer.Seal(account.Id, secret);
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await db.StaffAccounts.Where(a => a.Id == account.Id && a.SealedAuthenticatorKey == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.SealedAuthenticatorKey, sealedKey), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        var enrolment = new StaffTotpEnrolment(Totp.Base32(secret), Totp.Uri(TotpIssuer, account.UserName!, secret), account.UserName!);
        CryptographicOperations.ZeroMemory(secret);
        return enrolment;
    }

    /// <summary>Confirms the app with its first code: the account has its second factor, and the login completes.</summary>
    public async Task<Result<StaffLogin>> ConfirmTotpEnrolmentAsync(Guid accountId, string? code, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (CheckFormat(code) is { } format)
        {
            return format;
        }
        var account = await UsableAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null || account.IsExternal || account.SealedAuthenticatorKey is null || account.TotpConfirmedAt is not null)
        {
            return new Error(ErrorCodes.StaffEnrolmentExpired);
        }
        if (!await CheckTotpAsync(account, code!, context, cancellationToken).ConfigureAwait(false))
        {
            return SecondFactorFailed;
        }
        await using (var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await db.StaffAccounts.Where(a => a.Id == account.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.TotpConfirmedAt, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(account.KasseId, As(account, context), new AuditEvent(AuditAction.StaffTotpEnrolled, AuditOutcome.Success,
                Details: $"{{\"account\":\"{account.Id}\"}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return await LoginAsync(account, [StaffFactors.Password, StaffFactors.Totp], context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A verified passkey assertion of <paramref name="account"/> signs in alone (device + PIN/biometrics).</summary>
    public async Task<Result<StaffLogin>> CompleteWithPasskeyAsync(Guid accountId, AuditContext context, CancellationToken cancellationToken = default)
    {
        var account = await db.StaffAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.StaffPasskeyFailed);
        }
        if (account.IsDisabled || IsLocked(account))
        {
            await FailAsync(account, account.IsDisabled ? "disabled" : "locked", context, cancellationToken).ConfigureAwait(false);
            return Failed;
        }
        return await LoginAsync(account, [StaffFactors.Passkey], context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A failed passkey assertion of a known account counts like a wrong code.</summary>
    public async Task PasskeyFailedAsync(Guid accountId, AuditContext context, CancellationToken cancellationToken = default)
    {
        var account = await db.StaffAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, cancellationToken).ConfigureAwait(false);
        if (account is not null)
        {
            await CountFailureAsync(account, "passkey", context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Opens a session for the account: audited as <see cref="AuditAction.StaffSignedIn"/> with the factors, the failure
    /// count reset. Also the end of an OpenID Connect sign-in (<see cref="StaffProvisioning"/>).
    /// </summary>
    internal async Task<StaffLogin> LoginAsync(StaffAccount account, IReadOnlyList<string> factors, AuditContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var session = new StaffSession
        {
            Id = Guid.CreateVersion7(),
            AccountId = account.Id,
            KasseId = account.KasseId,
            Factors = string.Join(',', factors),
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + _options.AbsoluteTimeout,
        };
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        db.StaffSessions.Add(session);
        await db.StaffAccounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.AccessFailedCount, 0).SetProperty(a => a.LockoutEnd, (DateTimeOffset?)null).SetProperty(a => a.LastSignInAt, now), cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(account.KasseId, As(account, context), new AuditEvent(AuditAction.StaffSignedIn, AuditOutcome.Success,
            Details: $"{{\"account\":\"{account.Id}\",\"session\":\"{session.Id}\",\"factors\":\"{session.Factors}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var actor = new StaffActor(account.Id.ToString(), account.DisplayName, account.KasseId, StaffRoles.Split(account.Roles), session.Id);
        return new StaffLogin(session.Id, actor, session.ExpiresAt);
    }

    private static Error? CheckFormat(string? code) =>
        code is { Length: Totp.Digits } && code.All(char.IsAsciiDigit) ? null : new Error(ErrorCodes.StaffTotpFormat);

    private async Task<StaffAccount?> UsableAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.StaffAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId && a.DisabledAt == null, cancellationToken).ConfigureAwait(false);

    public async Task<bool> HasSecondFactorAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return account.TotpConfirmedAt is not null
            || await db.Set<StaffPasskey>().AsNoTracking().AnyAsync(p => p.UserId == account.Id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> CheckTotpAsync(StaffAccount account, string code, AuditContext context, CancellationToken cancellationToken)
    {
        long? step = null;
        if (account.SealedAuthenticatorKey is { } sealedKey)
        {
            var secret = sealer.Unseal(account.Id, sealedKey);
            step = Totp.Match(secret, code, clock.GetUtcNow(), account.LastTotpStep);
            CryptographicOperations.ZeroMemory(secret);
        }
        if (IsLocked(account))
        {
            await FailAsync(account, "locked", context, cancellationToken).ConfigureAwait(false);
            return false;
        }
        if (step is { } matched)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            var taken = await db.StaffAccounts.Where(a => a.Id == account.Id && a.LastTotpStep < matched)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastTotpStep, matched), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (taken == 1)
            {
                return true;
            }
        }
        await CountFailureAsync(account, "wrong-second-factor", context, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private bool IsLocked(StaffAccount account) => account.LockoutEnd is { } end && end > clock.GetUtcNow();

    private async Task CountFailureAsync(StaffAccount account, string reason, AuditContext context, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await db.StaffAccounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AccessFailedCount, a => a.AccessFailedCount + 1), cancellationToken).ConfigureAwait(false);
        var failures = await db.StaffAccounts.AsNoTracking().Where(a => a.Id == account.Id).Select(a => a.AccessFailedCount).SingleAsync(cancellationToken).ConfigureAwait(false);
        var actor = As(account, context);
        await audit.AppendAsync(account.KasseId, actor, new AuditEvent(AuditAction.StaffSignInFailed, AuditOutcome.Failure,
            ReasonCode: reason, Details: $"{{\"account\":\"{account.Id}\",\"failures\":{failures}}}"), cancellationToken).ConfigureAwait(false);
        if (failures >= _options.MaxFailures)
        {
            var until = clock.GetUtcNow() + _options.LockoutFor;
            await db.StaffAccounts.Where(a => a.Id == account.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.AccessFailedCount, 0).SetProperty(a => a.LockoutEnd, until), cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(account.KasseId, actor, new AuditEvent(AuditAction.StaffAccountLocked, AuditOutcome.Success,
                Details: $"{{\"account\":\"{account.Id}\",\"until\":\"{until:O}\"}}"), cancellationToken).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FailAsync(StaffAccount account, string reason, AuditContext context, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(account.KasseId, As(account, context), new AuditEvent(AuditAction.StaffSignInFailed, AuditOutcome.Failure,
            ReasonCode: reason, Details: $"{{\"account\":\"{account.Id}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
