using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Accounts;

/// <summary>A completed login: the server-side session and the authentication recorded for it.</summary>
public sealed record PortalLogin(Guid SessionId, Guid AccountId, Guid KasseId, Guid PersonId, Guid AuthenticationId, string Level, DateTimeOffset ExpiresAt);

/// <summary>
/// Sign-in (issue 12, ADR 0015): user name + password, then the second factor; or a passkey alone. The password step
/// answers the same (PF-ACC-011) for an unknown name, an account never completed, a locked account and a wrong
/// password, and costs the same hash in every case (a decoy hash where there is no account). Failures of either step
/// are counted on the account by one atomic UPDATE (Identity's own counter is read-modify-write and loses increments
/// under parallel attempts, security.md); the one that reaches <see cref="PortalAccountOptions.MaxFailures"/> locks it for
/// <see cref="PortalAccountOptions.LockoutFor"/>. A right password alone resets nothing: only a completed login does.
/// Every completed login is recorded through <see cref="RecordAuthentication.PortalLoginAsync"/> under the built-in
/// <see cref="PortalClient"/>, and opens a <see cref="PortalSession"/>.
/// </summary>
public sealed class SignInPortalAccount(
    PforteDbContext db,
    IPasswordHasher<PortalAccount> hasher,
    SecretSealer sealer,
    RecordAuthentication record,
    PortalClient portalClient,
    IOptions<PortalAccountOptions> options,
    AuditLog audit,
    TimeProvider clock)
{
    private readonly PortalAccountOptions _options = options.Value;

    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<PortalAccount>().HashPassword(new PortalAccount(), Guid.NewGuid().ToString()));

    private Error Failed => new(ErrorCodes.AccountSignInFailed, _options.MaxFailures, (int)_options.LockoutFor.TotalMinutes);

    private Error SecondFactorFailed => new(ErrorCodes.AccountSecondFactorFailed, _options.MaxFailures, (int)_options.LockoutFor.TotalMinutes);

    /// <summary>Step 1: the password. Returns the account whose second factor is asked next.</summary>
    public async Task<Result<Guid>> CheckPasswordAsync(Guid kasseId, string? userName, string? password, AuditContext context, CancellationToken cancellationToken = default)
    {
        var name = RegisterPortalAccount.NormalizeUserName(userName);
        var normalized = name.IsSuccess ? RegisterPortalAccount.Normalized(name.Value) : null;
        var account = normalized is null ? null : await db.PortalAccounts.AsNoTracking()
            .SingleOrDefaultAsync(a => a.NormalizedUserName == normalized && a.KasseId == kasseId, cancellationToken).ConfigureAwait(false);
        var usable = account is { CompletedAt: not null };
        var verdict = hasher.VerifyHashedPassword(account ?? new PortalAccount(), usable ? account!.PasswordHash! : DecoyHash.Value, password ?? "");
        if (!usable)
        {
            await FailAsync(kasseId, null, account is null ? "unknown-user" : "not-completed", context, cancellationToken).ConfigureAwait(false);
            return Failed;
        }
        if (IsLocked(account!))
        {
            await FailAsync(kasseId, account, "locked", context, cancellationToken).ConfigureAwait(false);
            return Failed;
        }
        if (verdict == PasswordVerificationResult.Failed)
        {
            await CountFailureAsync(account!, "wrong-password", null, context, cancellationToken).ConfigureAwait(false);
            return Failed;
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehashed = hasher.HashPassword(account!, password!);
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await db.PortalAccounts.Where(a => a.Id == account!.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordHash, rehashed), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return account!.Id;
    }

    /// <summary>Step 2: the code of the authenticator app; completes the login.</summary>
    public async Task<Result<PortalLogin>> CompleteWithAuthenticatorAsync(Guid accountId, string? code, string? device, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (code is not { Length: Totp.Digits } || !code.All(char.IsAsciiDigit))
        {
            return new Error(ErrorCodes.AccountTotpFormat);
        }
        var account = await db.PortalAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId && a.CompletedAt != null, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.AccountSignInExpired);
        }
        if (!await CheckAuthenticatorAsync(account, code, null, context, cancellationToken).ConfigureAwait(false))
        {
            return SecondFactorFailed;
        }
        return await LoginAsync(account, [PortalLoginFactors.Password, PortalLoginFactors.Totp], device, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The second factor again on a signed-in session (step-up before a high-value action). A wrong code counts
    /// towards the lockout like at sign-in. Returns the instant to store as <c>StepUpAt</c>.
    /// </summary>
    public async Task<Result<DateTimeOffset>> StepUpWithAuthenticatorAsync(Guid accountId, Guid sessionId, string? code, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (code is not { Length: Totp.Digits } || !code.All(char.IsAsciiDigit))
        {
            return new Error(ErrorCodes.AccountTotpFormat);
        }
        var account = await db.PortalAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId && a.CompletedAt != null, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.AccountSignInExpired);
        }
        if (!await CheckAuthenticatorAsync(account, code, sessionId, context, cancellationToken).ConfigureAwait(false))
        {
            return SecondFactorFailed;
        }
        return await StepUpConfirmedAsync(account, sessionId, PortalLoginFactors.Totp, context, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<DateTimeOffset> StepUpConfirmedAsync(PortalAccount account, Guid sessionId, string factor, AuditContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(account.KasseId, context, new AuditEvent(AuditAction.PortalStepUpConfirmed, AuditOutcome.Success, account.PersonId,
            Details: $"{{\"account\":\"{account.Id}\",\"session\":\"{sessionId}\",\"factor\":\"{factor}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return now;
    }

    /// <summary>Checks an authenticator code (locked accounts fail, replays fail) and counts a failure.</summary>
    private async Task<bool> CheckAuthenticatorAsync(PortalAccount account, string code, Guid? stepUpSession, AuditContext context, CancellationToken cancellationToken)
    {
        long? step = null;
        if (account.SealedAuthenticatorKey is { } sealedKey)
        {
            var secret = sealer.Unseal(account.Id, sealedKey);
            step = Totp.Match(secret, code, clock.GetUtcNow(), account.LastTotpStep);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
        if (IsLocked(account))
        {
            await FailAsync(account.KasseId, account, "locked", context, cancellationToken).ConfigureAwait(false);
            return false;
        }
        if (step is { } matched)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            // Accepted once: a parallel request with the same code finds the step already taken.
            var taken = await db.PortalAccounts.Where(a => a.Id == account.Id && a.LastTotpStep < matched)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastTotpStep, matched), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (taken == 1)
            {
                return true;
            }
        }
        await CountFailureAsync(account, stepUpSession is null ? "wrong-second-factor" : "wrong-second-factor-step-up", stepUpSession, context, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// The login that ends a registration: the person has just given the code (or activation code), the password and
    /// the second factor, so the portal signs them in — recorded like any login with the factors of the account.
    /// </summary>
    public Task<Result<PortalLogin>> AfterRegistrationAsync(PortalAccount account, string factor, string? device, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.CompletedAt is null)
        {
            throw new InvalidOperationException("The account is not complete.");
        }
        IReadOnlyList<string> factors = factor == PortalLoginFactors.Passkey ? [PortalLoginFactors.Passkey] : [PortalLoginFactors.Password, PortalLoginFactors.Totp];
        return LoginAsync(account, factors, device, context, cancellationToken);
    }

    /// <summary>
    /// Records the completed login (authentication with the level its factors give), resets the failure count and opens a
    /// session. Also the end of a passkey login.
    /// </summary>
    internal async Task<Result<PortalLogin>> LoginAsync(PortalAccount account, IReadOnlyList<string> factors, string? device, AuditContext context, CancellationToken cancellationToken)
    {
        var clientId = await portalClient.IdForAsync(account.KasseId, cancellationToken).ConfigureAwait(false);
        var kvnr = await db.InsuredPersons.AsNoTracking().Where(p => p.Id == account.PersonId).Select(p => p.Kvnr).SingleAsync(cancellationToken).ConfigureAwait(false);
        var sessionId = Guid.CreateVersion7();
        var recorded = await record.PortalLoginAsync(account.KasseId, clientId, new PortalLoginInput(kvnr, [.. factors], sessionId.ToString(), null), context, cancellationToken).ConfigureAwait(false);
        if (!recorded.TryGetValue(out var authentication, out var error))
        {
            return error; // e.g. the person is recorded as deceased (PF-AUTH-018)
        }
        var now = clock.GetUtcNow();
        var session = new PortalSession
        {
            Id = sessionId,
            AccountId = account.Id,
            KasseId = account.KasseId,
            PersonId = account.PersonId,
            AuthenticationId = authentication.Id,
            Level = authentication.Level,
            Factors = string.Join(',', factors),
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + _options.AbsoluteTimeout,
            Device = device is null ? null : TextInput.Echo(device.Length > 120 ? device[..120] : device),
        };
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        db.PortalSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await db.PortalAccounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AccessFailedCount, 0).SetProperty(a => a.LockoutEnd, (DateTimeOffset?)null), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new PortalLogin(session.Id, account.Id, account.KasseId, account.PersonId, authentication.Id, authentication.Level, session.ExpiresAt);
    }

    private bool IsLocked(PortalAccount account) => account.LockoutEnd is { } end && end > clock.GetUtcNow();

    private async Task CountFailureAsync(PortalAccount account, string reason, Guid? session, AuditContext context, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await db.PortalAccounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AccessFailedCount, a => a.AccessFailedCount + 1), cancellationToken).ConfigureAwait(false);
        var failures = await db.PortalAccounts.AsNoTracking().Where(a => a.Id == account.Id).Select(a => a.AccessFailedCount).SingleAsync(cancellationToken).ConfigureAwait(false);
        var sessionPart = session is { } s ? $",\"session\":\"{s}\"" : "";
        await audit.AppendAsync(account.KasseId, context, new AuditEvent(session is null ? AuditAction.PortalSignInFailed : AuditAction.PortalStepUpFailed, AuditOutcome.Failure,
            account.PersonId, ReasonCode: reason, Details: $"{{\"account\":\"{account.Id}\",\"failures\":{failures}{sessionPart}}}"), cancellationToken).ConfigureAwait(false);
        if (failures >= _options.MaxFailures)
        {
            var until = clock.GetUtcNow() + _options.LockoutFor;
            await db.PortalAccounts.Where(a => a.Id == account.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.AccessFailedCount, 0).SetProperty(a => a.LockoutEnd, until), cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(account.KasseId, context, new AuditEvent(AuditAction.PortalAccountLocked, AuditOutcome.Success, account.PersonId,
                Details: $"{{\"account\":\"{account.Id}\",\"until\":\"{until:O}\"}}"), cancellationToken).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FailAsync(Guid kasseId, PortalAccount? account, string reason, AuditContext context, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PortalSignInFailed, AuditOutcome.Failure, account?.PersonId, ReasonCode: reason,
            Details: account is null ? null : $"{{\"account\":\"{account.Id}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
