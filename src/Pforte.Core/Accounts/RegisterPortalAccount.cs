using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;

namespace Pforte.Core.Accounts;

/// <summary>
/// What the first registration step proved: the person's code was verified on the portal channel (an authentication
/// row of the machine procedure). The portal carries it between the steps in a protected cookie; every later step
/// checks it against the database again (<see cref="RegisterPortalAccount"/>).
/// </summary>
public sealed record RegistrationTicket(Guid KasseId, Guid PersonId, Guid AuthenticationId, Guid? AccountId = null);

/// <summary>The authenticator app's enrolment: the key to type in and the URI the QR code carries.</summary>
public sealed record AuthenticatorSetup(string Key, string Uri);

/// <summary>
/// "Konto anlegen" (issue 12, ADR 0015). Step 1 is the machine procedure itself — KVNR, card number and current code
/// go through the <see cref="VerificationQueue"/> on channel <c>portal</c> under the built-in <see cref="PortalClient"/>,
/// so a failure counts, the third locks, and the source (IP) is throttled exactly as through the API. A person who
/// already has an account gets the answer of any failed attempt (PF-MA-001): the page tells nobody whether a KVNR is
/// registered. Instead of the code, step 1 may redeem an activation letter's code (<see cref="PortalActivationLetters"/>). Step 2 sets user name and password (<see cref="PasswordPolicy"/>); step 3 confirms a second factor,
/// and only then can the account sign in. The whole registration must finish within
/// <see cref="PortalAccountOptions.RegistrationValidity"/> of the verified code.
/// </summary>
public sealed partial class RegisterPortalAccount(
    PforteDbContext db,
    VerificationQueue verification,
    PortalClient portalClient,
    IOptions<AuthCodeOptions> codeOptions,
    IOptions<PortalAccountOptions> options,
    IPasswordHasher<PortalAccount> hasher,
    SecretSealer sealer,
    AuditLog audit,
    TimeProvider clock)
{
    private readonly PortalAccountOptions _options = options.Value;

    /// <summary>Checks the form of KVNR, card number (the portal's number of digits or all 20) and code; counts nothing.</summary>
    public Result<VerifyRequest> ParseCodeInput(string? kvnr, string? cardNumber, string? code, string? ip)
    {
        if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var error))
        {
            return error;
        }
        var digits = codeOptions.Value.CardDigitsFor(MachineChannels.Portal);
        if (cardNumber is null || (cardNumber.Length != CardNumber.Length && cardNumber.Length != digits) || !cardNumber.All(char.IsAsciiDigit)
            || (cardNumber.Length == CardNumber.Length && !CardNumber.Parse(cardNumber).IsSuccess))
        {
            return new Error(ErrorCodes.MachineAuthCardFormat, digits);
        }
        if (code is not { Length: 4 } || !code.All(char.IsAsciiDigit))
        {
            return new Error(ErrorCodes.MachineAuthCodeFormat);
        }
        return new VerifyRequest(parsed, cardNumber, code, MachineChannels.Portal, null, null, ip);
    }

    /// <summary>Step 1: the machine procedure. Every failure, and an existing account, answer PF-MA-001.</summary>
    public async Task<Result<RegistrationTicket>> VerifyCodeAsync(Guid kasseId, VerifyRequest request, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clientId = await portalClient.IdForAsync(kasseId, cancellationToken).ConfigureAwait(false);
        var outcome = await verification.SubmitAsync(new VerifyAttempt(kasseId, clientId, request, context), cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case VerifyStatus.Throttled:
                return new Error(ErrorCodes.MachineAuthThrottled);
            case VerifyStatus.Invalid:
                return outcome.Error!;
            case VerifyStatus.Failed:
                return new Error(ErrorCodes.MachineAuthFailed);
            case VerifyStatus.Verified:
                break;
            default:
                throw new InvalidOperationException();
        }
        var authentication = outcome.Authentication!;
        if (await db.PortalAccounts.AnyAsync(a => a.PersonId == authentication.PersonId && a.CompletedAt != null, cancellationToken).ConfigureAwait(false))
        {
            await RefuseAsync(kasseId, authentication.PersonId, request.Kvnr.Value, "account-exists", context, cancellationToken).ConfigureAwait(false);
            return new Error(ErrorCodes.MachineAuthFailed);
        }
        return new RegistrationTicket(kasseId, authentication.PersonId, authentication.Id);
    }

    /// <summary>Step 2: user name and password. Replaces an account of this person that was never completed.</summary>
    public async Task<Result<RegistrationTicket>> SetCredentialsAsync(RegistrationTicket ticket, string? userName, string? password, string? repeat, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (await CheckTicketAsync(ticket, context, cancellationToken).ConfigureAwait(false) is { } expired)
        {
            return expired;
        }
        if (!NormalizeUserName(userName).TryGetValue(out var name, out var nameError))
        {
            return nameError;
        }
        var kvnr = await db.InsuredPersons.AsNoTracking().Where(p => p.Id == ticket.PersonId).Select(p => p.Kvnr).SingleAsync(cancellationToken).ConfigureAwait(false);
        if (PasswordPolicy.Check(password, _options.MinPasswordLength, name, kvnr) is { } weak)
        {
            return weak;
        }
        if (!string.Equals(password, repeat, StringComparison.Ordinal))
        {
            return new Error(ErrorCodes.AccountPasswordMismatch);
        }
        var account = new PortalAccount
        {
            Id = Guid.CreateVersion7(),
            KasseId = ticket.KasseId,
            PersonId = ticket.PersonId,
            UserName = name,
            NormalizedUserName = Normalized(name),
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString("N"),
            LockoutEnabled = true,
            CreatedAt = clock.GetUtcNow(),
        };
        // The slow hash outside the write transaction: it must not hold SQLite's write lock for a tenth of a second.
        account.PasswordHash = hasher.HashPassword(account, password!);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (await db.PortalAccounts.AnyAsync(a => a.NormalizedUserName == account.NormalizedUserName && a.PersonId != ticket.PersonId, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.AccountUserNameTaken);
        }
        var previous = await db.PortalAccounts.Where(a => a.PersonId == ticket.PersonId).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (previous.Exists(a => a.CompletedAt is not null))
        {
            await RefuseAsync(ticket.KasseId, ticket.PersonId, kvnr, "account-exists", context, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Error(ErrorCodes.AccountRegistrationExpired);
        }
        db.PortalAccounts.RemoveRange(previous);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        db.PortalAccounts.Add(account);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Another registration took the name (or completed for this person) between the check and the insert.
            return new Error(ErrorCodes.AccountUserNameTaken);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ticket with { AccountId = account.Id };
    }

    /// <summary>Step 3 (app): the key of the registration's account, made on first call and shown again on reload.</summary>
    public async Task<Result<AuthenticatorSetup>> AuthenticatorAsync(RegistrationTicket ticket, string issuer, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (await CheckTicketAsync(ticket, context, cancellationToken).ConfigureAwait(false) is { } expired)
        {
            return expired;
        }
        var account = await db.PortalAccounts.SingleOrDefaultAsync(a => a.Id == ticket.AccountId && a.PersonId == ticket.PersonId && a.CompletedAt == null, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.AccountRegistrationExpired);
        }
        byte[] secret;
        if (account.SealedAuthenticatorKey is { } sealedKey)
        {
            secret = sealer.Unseal(account.Id, sealedKey);
        }
        else
        {
            secret = Totp.NewSecret();
            account.SealedAuthenticatorKey = sealer.Seal(account.Id, secret);
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        var setup = new AuthenticatorSetup(Totp.Base32(secret), Totp.Uri(issuer, account.UserName!, secret));
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        return setup;
    }

    /// <summary>Step 3 (app): the first code from the app confirms it; the account is complete and can sign in.</summary>
    public async Task<Result<PortalAccount>> CompleteWithAuthenticatorAsync(RegistrationTicket ticket, string? code, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (code is not { Length: Totp.Digits } || !code.All(char.IsAsciiDigit))
        {
            return new Error(ErrorCodes.AccountTotpFormat);
        }
        if (await CheckTicketAsync(ticket, context, cancellationToken).ConfigureAwait(false) is { } expired)
        {
            return expired;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var account = await db.PortalAccounts.SingleOrDefaultAsync(a => a.Id == ticket.AccountId && a.PersonId == ticket.PersonId && a.CompletedAt == null, cancellationToken).ConfigureAwait(false);
        if (account?.SealedAuthenticatorKey is not { } sealedKey)
        {
            return new Error(ErrorCodes.AccountRegistrationExpired);
        }
        var secret = sealer.Unseal(account.Id, sealedKey);
        var step = Totp.Match(secret, code, clock.GetUtcNow(), account.LastTotpStep);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        if (step is not { } matched)
        {
            return new Error(ErrorCodes.AccountTotpWrong);
        }
        account.LastTotpStep = matched;
        await CompleteAsync(account, "totp", context, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return account;
    }

    /// <summary>Marks the registration's account complete (inside the caller's write transaction) and audits it.</summary>
    internal async Task CompleteAsync(PortalAccount account, string factor, AuditContext context, CancellationToken cancellationToken)
    {
        account.CompletedAt = clock.GetUtcNow();
        account.TwoFactorEnabled = true;
        var kvnr = await db.InsuredPersons.AsNoTracking().Where(p => p.Id == account.PersonId).Select(p => p.Kvnr).SingleAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(account.KasseId, context, new AuditEvent(AuditAction.PortalAccountRegistered, AuditOutcome.Success, account.PersonId, kvnr,
            Details: $"{{\"account\":\"{account.Id}\",\"user_name\":\"{account.UserName}\",\"factor\":\"{factor}\"}}"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ticket's verified code is still recent, its person has no completed account, and it is this Kasse's.</summary>
    internal async Task<Error?> CheckTicketAsync(RegistrationTicket ticket, AuditContext context, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow() - _options.RegistrationValidity;
        // Opened by the code (an authentication of the machine procedure on the portal) or by an activation letter.
        var valid = await db.Authentications.AsNoTracking().AnyAsync(a => a.Id == ticket.AuthenticationId && a.PersonId == ticket.PersonId
            && a.KasseId == ticket.KasseId && a.Method == AuthenticationMethods.MachineCode && a.Channel == Channels.Portal && a.CreatedAt >= since, cancellationToken).ConfigureAwait(false)
            || await db.PortalActivations.AsNoTracking().AnyAsync(a => a.Id == ticket.AuthenticationId && a.PersonId == ticket.PersonId
            && a.KasseId == ticket.KasseId && a.UsedAt >= since, cancellationToken).ConfigureAwait(false);
        if (!valid)
        {
            return new Error(ErrorCodes.AccountRegistrationExpired);
        }
        if (await db.PortalAccounts.AnyAsync(a => a.PersonId == ticket.PersonId && a.CompletedAt != null, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.AccountRegistrationExpired);
        }
        return null;
    }

    /// <summary>Lower-cased and checked: 3–64 characters of a–z, 0–9 and <c>. _ - @</c>.</summary>
    public static Result<string> NormalizeUserName(string? userName)
    {
        var name = userName?.Trim().ToLowerInvariant();
        return name is not null && UserNamePattern().IsMatch(name) ? name : new Error(ErrorCodes.AccountUserNameInvalid);
    }

    /// <summary>Identity's normalisation of user names (upper case, invariant).</summary>
    public static string Normalized(string userName) => userName.ToUpperInvariant();

    private async Task RefuseAsync(Guid kasseId, Guid personId, string kvnr, string reason, AuditContext context, CancellationToken cancellationToken)
    {
        var own = db.CurrentWrite is null;
        await using var transaction = own ? await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false) : null;
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PortalRegistrationRefused, AuditOutcome.Refused, personId, kvnr, ReasonCode: reason), cancellationToken).ConfigureAwait(false);
        if (transaction is not null)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [GeneratedRegex("^[a-z0-9._@-]{3,64}$")]
    private static partial Regex UserNamePattern();
}
