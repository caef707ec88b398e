using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Staff;

/// <summary>
/// What an OpenID Connect provider said about a staff member after a successful sign-in there: its issuer and
/// subject (the stable identity), a user name and display name to show, and the provider's roles already mapped to
/// Pforte roles by configuration.
/// </summary>
public sealed record ExternalStaffIdentity(string KasseIk, string Issuer, string Subject, string? UserName, string? DisplayName, IReadOnlyCollection<string> Roles);

/// <summary>
/// Sign-in with a company account (ADR 0023): the staff record is created on the first sign-in and updated on every
/// later one (display name, roles — the provider is the source of the roles), audited as
/// <see cref="AuditAction.StaffAccountProvisioned"/>; a sign-in whose roles map to none of Pforte's is refused and
/// audited as <see cref="AuditAction.StaffAccessDenied"/> (a record linked earlier loses its roles and its open
/// sessions). A disabled record stays disabled; a record of another Kasse is not taken over. Never a token in the record.
/// </summary>
public sealed class StaffProvisioning(PforteDbContext db, StaffAccounts accounts, SignInStaff signIn, AuditLog audit, TimeProvider clock, ILogger<StaffProvisioning> logger)
{
    public async Task<Result<StaffLogin>> SignInAsync(ExternalStaffIdentity identity, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(context);
        var kasse = await db.Kassen.AsNoTracking().Where(k => k.Ik == identity.KasseIk).Select(k => (Guid?)k.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (kasse is not { } kasseId || identity.Issuer.Length is 0 or > 256 || identity.Subject.Length is 0 or > 256)
        {
            logger.LogWarning("Sign-in with a company account refused: the configured Kasse or the provider's answer is not usable.");
            return new Error(ErrorCodes.StaffOidcFailed);
        }
        var roles = identity.Roles.Where(StaffRoles.IsKnown).ToHashSet(StringComparer.Ordinal);
        var account = await db.StaffAccounts.SingleOrDefaultAsync(a => a.ExternalIssuer == identity.Issuer && a.ExternalSubject == identity.Subject, cancellationToken).ConfigureAwait(false);
        if (account is not null && account.KasseId != kasseId)
        {
            logger.LogWarning("Sign-in with a company account refused: the linked staff record belongs to another Kasse.");
            return new Error(ErrorCodes.StaffOidcFailed);
        }
        var actor = account is null ? context : SignInStaff.As(account, context);
        if (roles.Count == 0)
        {
            // The provider is the source of the roles: a linked record loses its roles and its open sessions too.
            await using var denied = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            var ended = 0;
            if (account is not null)
            {
                account.Roles = "";
                ended = await db.StaffSessions.Where(x => x.AccountId == account.Id && x.RevokedAt == null)
                    .ExecuteUpdateAsync(x => x.SetProperty(v => v.RevokedAt, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
            await audit.AppendAsync(kasseId, actor, new AuditEvent(AuditAction.StaffAccessDenied, AuditOutcome.Failure, ReasonCode: "no-role",
                Details: account is null
                    ? $"{{\"issuer\":\"{Json(identity.Issuer)}\"}}"
                    : $"{{\"issuer\":\"{Json(identity.Issuer)}\",\"account\":\"{account.Id}\",\"sessionsEnded\":{ended}}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await denied.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Error(ErrorCodes.StaffOidcRoleUnknown);
        }
        if (account is { IsDisabled: true })
        {
            return new Error(ErrorCodes.StaffSignInFailed, 0, 0);
        }
        var displayName = StaffAccounts.CheckDisplayName(identity.DisplayName).TryGetValue(out var name, out _) ? name : identity.UserName ?? "Unternehmenskonto";
        displayName = displayName.Length > StaffAccounts.MaxDisplayName ? displayName[..StaffAccounts.MaxDisplayName] : displayName;
        var created = account is null;
        if (account is null)
        {
            account = accounts.New(kasseId, await FreeUserNameAsync(identity, cancellationToken).ConfigureAwait(false), displayName, roles);
            account.ExternalIssuer = identity.Issuer;
            account.ExternalSubject = identity.Subject;
            var added = await accounts.AddAsync(account, "oidc", SignInStaff.As(account, context), cancellationToken).ConfigureAwait(false);
            if (!added.IsSuccess)
            {
                return added.Error;
            }
        }
        var joined = StaffRoles.Join(roles);
        await using (var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            account.DisplayName = displayName;
            account.Roles = joined;
            await audit.AppendAsync(kasseId, SignInStaff.As(account, context), new AuditEvent(AuditAction.StaffAccountProvisioned, AuditOutcome.Success,
                Details: $"{{\"account\":\"{account.Id}\",\"issuer\":\"{Json(identity.Issuer)}\",\"roles\":\"{joined}\",\"created\":{(created ? "true" : "false")}}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return await signIn.LoginAsync(account, [StaffFactors.Oidc], context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A sign-in that came back from the provider without a usable answer (cancelled or refused there: <c>oidc-cancelled</c>;
    /// wrong or replayed state, failed token exchange: <c>oidc-failed</c>), audited as <see cref="AuditAction.StaffSignInFailed"/>
    /// of the configured Kasse; nothing of the provider's message is stored.
    /// </summary>
    public async Task FailedAsync(string? kasseIk, bool cancelled, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var kasse = await db.Kassen.AsNoTracking().Where(k => k.Ik == kasseIk).Select(k => (Guid?)k.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (kasse is not { } kasseId)
        {
            return;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.StaffSignInFailed, AuditOutcome.Failure,
            ReasonCode: cancelled ? "oidc-cancelled" : "oidc-failed"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The provider's user name if it is a valid one and free, else <c>oidc-</c> and a digest of issuer and subject.</summary>
    private async Task<string> FreeUserNameAsync(ExternalStaffIdentity identity, CancellationToken cancellationToken)
    {
        if (StaffAccounts.CheckUserName(identity.UserName).TryGetValue(out var wanted, out _))
        {
            var normalized = StaffAccounts.Normalize(wanted);
            if (!await db.StaffAccounts.AsNoTracking().AnyAsync(a => a.NormalizedUserName == normalized, cancellationToken).ConfigureAwait(false))
            {
                return wanted;
            }
        }
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(identity.Issuer + "\n" + identity.Subject));
        return "oidc-" + Convert.ToHexStringLower(digest)[..16];
    }

    private static string Json(string value) => System.Text.Json.JsonEncodedText.Encode(value).ToString();
}
