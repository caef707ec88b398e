using System.Buffers.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Accounts;

/// <summary>A passkey as the security page lists it.</summary>
public sealed record PasskeyView(string CredentialId, string Name, DateTimeOffset CreatedAt);

/// <summary>
/// Passkeys of portal accounts (ADR 0015). The WebAuthn ceremonies themselves (challenge, origin, signature) are
/// Identity's <c>PasskeyHandler</c> in the portal, which needs the HTTP request; what they yield — a verified new
/// credential, or a verified assertion of an account — is stored, audited and turned into a login here.
/// </summary>
public sealed class PortalPasskeys(
    PforteDbContext db,
    UserManager<PortalAccount> users,
    RegisterPortalAccount register,
    SignInPortalAccount signIn,
    AuditLog audit,
    TimeProvider clock)
{
    public const int MaxNameLength = 60;

    /// <summary>Registration step 3 with a passkey: stores it and completes the account.</summary>
    public async Task<Result<PortalAccount>> CompleteRegistrationAsync(RegistrationTicket ticket, UserPasskeyInfo passkey, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(passkey);
        if (await register.CheckTicketAsync(ticket, context, cancellationToken).ConfigureAwait(false) is { } expired)
        {
            return expired;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var account = await db.PortalAccounts.SingleOrDefaultAsync(a => a.Id == ticket.AccountId && a.PersonId == ticket.PersonId && a.CompletedAt == null, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.AccountRegistrationExpired);
        }
        passkey.Name ??= "Passkey";
        if (!(await users.AddOrUpdatePasskeyAsync(account, passkey).ConfigureAwait(false)).Succeeded)
        {
            return new Error(ErrorCodes.AccountPasskeyNotSaved);
        }
        await register.CompleteAsync(account, PortalLoginFactors.Passkey, context, cancellationToken).ConfigureAwait(false);
        await AuditAsync(account, AuditAction.PortalPasskeyAdded, passkey, context, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return account;
    }

    /// <summary>A further passkey on the security page (after step-up).</summary>
    public async Task<Result<PasskeyView>> AddAsync(Guid accountId, UserPasskeyInfo passkey, string? name, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(passkey);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var account = await db.PortalAccounts.SingleOrDefaultAsync(a => a.Id == accountId && a.CompletedAt != null, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.AccountPasskeyNotSaved);
        }
        passkey.Name = CleanName(name);
        if (!(await users.AddOrUpdatePasskeyAsync(account, passkey).ConfigureAwait(false)).Succeeded)
        {
            return new Error(ErrorCodes.AccountPasskeyNotSaved);
        }
        await AuditAsync(account, AuditAction.PortalPasskeyAdded, passkey, context, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new PasskeyView(Id(passkey.CredentialId), passkey.Name!, passkey.CreatedAt);
    }

    public async Task<IReadOnlyList<PasskeyView>> ListAsync(Guid accountId, CancellationToken cancellationToken = default)
    {
        var account = await db.PortalAccounts.AsNoTracking().SingleAsync(a => a.Id == accountId, cancellationToken).ConfigureAwait(false);
        var passkeys = await users.GetPasskeysAsync(account).ConfigureAwait(false);
        return [.. passkeys.OrderBy(p => p.CreatedAt).Select(p => new PasskeyView(Id(p.CredentialId), p.Name ?? "Passkey", p.CreatedAt))];
    }

    /// <summary>Removes one of the account's passkeys; not the last second factor (PF-ACC-019), another's answers PF-ACC-017.</summary>
    public async Task<Result<bool>> RemoveAsync(Guid accountId, string? credentialId, AuditContext context, CancellationToken cancellationToken = default)
    {
        byte[] raw;
        try
        {
            raw = Base64Url.DecodeFromChars(credentialId ?? "");
        }
        catch (FormatException)
        {
            return new Error(ErrorCodes.AccountPasskeyNotSaved);
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var account = await db.PortalAccounts.SingleOrDefaultAsync(a => a.Id == accountId && a.CompletedAt != null, cancellationToken).ConfigureAwait(false);
        var passkey = account is null ? null : await users.GetPasskeyAsync(account, raw).ConfigureAwait(false);
        if (passkey is null)
        {
            return new Error(ErrorCodes.AccountPasskeyNotSaved);
        }
        var count = (await users.GetPasskeysAsync(account!).ConfigureAwait(false)).Count;
        if (count <= 1 && account!.SealedAuthenticatorKey is null)
        {
            return new Error(ErrorCodes.AccountLastSecondFactor);
        }
        await users.RemovePasskeyAsync(account!, raw).ConfigureAwait(false);
        await AuditAsync(account!, AuditAction.PortalPasskeyRemoved, passkey, context, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A verified assertion (Identity's handler checked challenge, origin, signature and user verification): stores the
    /// new sign count and completes the login with the passkey alone. A locked or unfinished account is refused.
    /// </summary>
    public async Task<Result<PortalLogin>> SignInAsync(PortalAccount account, UserPasskeyInfo passkey, string? device, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(passkey);
        if (account.CompletedAt is null || account.LockoutEnd is { } end && end > clock.GetUtcNow())
        {
            return new Error(ErrorCodes.AccountPasskeyFailed);
        }
        await using (var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await users.AddOrUpdatePasskeyAsync(account, passkey).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return await signIn.LoginAsync(account, [PortalLoginFactors.Passkey], device, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A verified assertion on the step-up page, by the session's own account only.</summary>
    public async Task<Result<DateTimeOffset>> StepUpAsync(Guid accountId, Guid sessionId, PortalAccount asserted, UserPasskeyInfo passkey, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(asserted);
        if (asserted.Id != accountId)
        {
            return new Error(ErrorCodes.AccountPasskeyFailed);
        }
        await using (var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await users.AddOrUpdatePasskeyAsync(asserted, passkey).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return await signIn.StepUpConfirmedAsync(asserted, sessionId, PortalLoginFactors.Passkey, context, cancellationToken).ConfigureAwait(false);
    }

    private async Task AuditAsync(PortalAccount account, AuditAction action, UserPasskeyInfo passkey, AuditContext context, CancellationToken cancellationToken) =>
        await audit.AppendAsync(account.KasseId, context, new AuditEvent(action, AuditOutcome.Success, account.PersonId,
            Details: $"{{\"account\":\"{account.Id}\",\"credential\":\"{Id(passkey.CredentialId)}\",\"name\":\"{Authentication.PhoneQuestionRounds.Json(passkey.Name ?? "")}\"}}"), cancellationToken).ConfigureAwait(false);

    public static string Id(byte[] credentialId) => Base64Url.EncodeToString(credentialId);

    private static string CleanName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || TextInput.FirstForbidden(trimmed) is not null)
        {
            return "Passkey";
        }
        return trimmed.Length > MaxNameLength ? trimmed[..MaxNameLength] : trimmed;
    }
}
