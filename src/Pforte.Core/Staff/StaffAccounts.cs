using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Staff;

/// <summary>A staff account as lists show it (no secret, no hash).</summary>
public sealed record StaffAccountView(
    Guid Id, string UserName, string DisplayName, IReadOnlySet<string> Roles, bool Disabled, bool External,
    bool HasSecondFactor, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt);

/// <summary>A new local account and its initial password, shown once and never stored in clear.</summary>
public sealed record CreatedStaffAccount(StaffAccountView Account, string InitialPassword);

/// <summary>What <see cref="StaffAccounts.CreateAsync"/> needs.</summary>
public sealed record NewStaffAccount(Guid KasseId, string? UserName, string? DisplayName, IReadOnlyCollection<string> Roles);

/// <summary>
/// Administration of staff accounts (ADR 0023): create a local account with a random initial password (the second
/// factor is set up at its first sign-in), list, disable (ends its sessions), change roles. The last active admin of a
/// Kasse keeps its role and cannot be disabled; an admin does not disable or re-role their own account. Every change is
/// audited; the initial password never is.
/// </summary>
public sealed partial class StaffAccounts(PforteDbContext db, IPasswordHasher<StaffAccount> hasher, AuditLog audit, TimeProvider clock)
{
    public const int MaxDisplayName = 100;

    [GeneratedRegex("^[A-Za-z0-9._@-]{3,64}$")]
    private static partial Regex UserNamePattern();

    public static Result<string> CheckUserName(string? userName) =>
        userName?.Trim() is { } name && UserNamePattern().IsMatch(name) ? name : new Error(ErrorCodes.StaffUserNameInvalid);

    public static string Normalize(string userName) => userName.Trim().ToUpperInvariant();

    public static Result<IReadOnlySet<string>> CheckRoles(IEnumerable<string>? roles)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles ?? [])
        {
            var trimmed = role.Trim().ToLowerInvariant();
            if (trimmed.Length == 0)
            {
                continue;
            }
            if (!StaffRoles.IsKnown(trimmed))
            {
                return new Error(ErrorCodes.StaffRoleUnknown, TextInput.Echo(trimmed.Length > 20 ? trimmed[..20] : trimmed));
            }
            set.Add(trimmed);
        }
        return set.Count == 0 ? new Error(ErrorCodes.StaffRolesRequired) : set;
    }

    public static Result<string> CheckDisplayName(string? displayName) =>
        displayName?.Trim() is { Length: > 0 and <= MaxDisplayName } name && TextInput.FirstForbidden(name) is null
            ? name
            : new Error(ErrorCodes.StaffDisplayNameInvalid);

    /// <summary>A random initial password: 4 groups of 5 characters without look-alikes (about 100 bits).</summary>
    public static string NewInitialPassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
        var groups = Enumerable.Range(0, 4).Select(_ => new string([.. Enumerable.Range(0, 5).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)])]));
        return string.Join('-', groups);
    }

    public async Task<Result<CreatedStaffAccount>> CreateAsync(NewStaffAccount input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!CheckUserName(input.UserName).TryGetValue(out var userName, out var badName))
        {
            return badName;
        }
        if (!CheckDisplayName(input.DisplayName).TryGetValue(out var displayName, out var badDisplay))
        {
            return badDisplay;
        }
        if (!CheckRoles(input.Roles).TryGetValue(out var roles, out var badRoles))
        {
            return badRoles;
        }
        if (!await db.Kassen.AsNoTracking().AnyAsync(k => k.Id == input.KasseId, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.StaffKasseNotFound);
        }
        var password = NewInitialPassword();
        var account = New(input.KasseId, userName, displayName, roles);
        account.PasswordHash = hasher.HashPassword(account, password);
        var added = await AddAsync(account, "local", context, cancellationToken).ConfigureAwait(false);
        return added.TryGetValue(out var view, out var error) ? new CreatedStaffAccount(view, password) : error;
    }

    /// <summary>A new account object (not stored yet).</summary>
    internal StaffAccount New(Guid kasseId, string userName, string displayName, IEnumerable<string> roles) => new()
    {
        Id = Guid.CreateVersion7(),
        KasseId = kasseId,
        UserName = userName,
        NormalizedUserName = Normalize(userName),
        DisplayName = displayName,
        Roles = StaffRoles.Join(roles),
        CreatedAt = clock.GetUtcNow(),
        SecurityStamp = Guid.NewGuid().ToString("N"),
        ConcurrencyStamp = Guid.NewGuid().ToString("N"),
        LockoutEnabled = true,
    };

    /// <summary>Stores a new account and audits it; a taken user name is refused (also under a race: unique index).</summary>
    internal async Task<Result<StaffAccountView>> AddAsync(StaffAccount account, string kind, AuditContext context, CancellationToken cancellationToken)
    {
        if (await db.StaffAccounts.AsNoTracking().AnyAsync(a => a.NormalizedUserName == account.NormalizedUserName, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.StaffUserNameTaken);
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        db.StaffAccounts.Add(account);
        await audit.AppendAsync(account.KasseId, context, new AuditEvent(AuditAction.StaffAccountCreated, AuditOutcome.Success,
            Details: $"{{\"account\":\"{account.Id}\",\"user\":\"{account.UserName}\",\"roles\":\"{account.Roles}\",\"kind\":\"{kind}\"}}"), cancellationToken).ConfigureAwait(false);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return new Error(ErrorCodes.StaffUserNameTaken);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return View(account);
    }

    public async Task<IReadOnlyList<StaffAccountView>> ListAsync(Guid kasseId, AuditContext? context = null, CancellationToken cancellationToken = default)
    {
        var accounts = await db.StaffAccounts.AsNoTracking().Where(a => a.KasseId == kasseId).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (context is not null)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.StaffAccountsListed, AuditOutcome.Success,
                Details: $"{{\"count\":{accounts.Count}}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return [.. accounts.OrderBy(a => a.UserName, StringComparer.OrdinalIgnoreCase).Select(View)];
    }

    public async Task<Result<StaffAccountView>> FindAsync(Guid kasseId, string? userName, CancellationToken cancellationToken = default)
    {
        if (!CheckUserName(userName).TryGetValue(out var name, out _))
        {
            return new Error(ErrorCodes.StaffAccountNotFound);
        }
        var normalized = Normalize(name);
        var account = await db.StaffAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.KasseId == kasseId && a.NormalizedUserName == normalized, cancellationToken).ConfigureAwait(false);
        return account is null ? new Error(ErrorCodes.StaffAccountNotFound) : View(account);
    }

    /// <summary>Disables the account of this Kasse and ends its sessions. <paramref name="byAccountId"/>: the admin acting (not themself).</summary>
    public async Task<Result<StaffAccountView>> DisableAsync(Guid kasseId, Guid accountId, Guid? byAccountId, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (byAccountId == accountId)
        {
            return new Error(ErrorCodes.StaffNotSelf);
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var account = await db.StaffAccounts.SingleOrDefaultAsync(a => a.Id == accountId && a.KasseId == kasseId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.StaffAccountNotFound);
        }
        if (account.IsDisabled)
        {
            return new Error(ErrorCodes.StaffAccountAlreadyDisabled);
        }
        if (StaffRoles.Split(account.Roles).Contains(StaffRoles.Admin) && !await OtherActiveAdminAsync(kasseId, accountId, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.StaffLastAdmin);
        }
        var now = clock.GetUtcNow();
        account.DisabledAt = now;
        account.SecurityStamp = Guid.NewGuid().ToString("N");
        var ended = await db.StaffSessions.Where(s => s.AccountId == accountId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.StaffAccountDisabled, AuditOutcome.Success,
            Details: $"{{\"account\":\"{accountId}\",\"sessions\":{ended}}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return View(account);
    }

    public async Task<Result<StaffAccountView>> SetRolesAsync(Guid kasseId, Guid accountId, IEnumerable<string>? roles, Guid? byAccountId, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (!CheckRoles(roles).TryGetValue(out var set, out var badRoles))
        {
            return badRoles;
        }
        if (byAccountId == accountId)
        {
            return new Error(ErrorCodes.StaffNotSelf);
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var account = await db.StaffAccounts.SingleOrDefaultAsync(a => a.Id == accountId && a.KasseId == kasseId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.StaffAccountNotFound);
        }
        var before = account.Roles;
        var after = StaffRoles.Join(set);
        if (before == after)
        {
            return View(account);
        }
        if (StaffRoles.Split(before).Contains(StaffRoles.Admin) && !set.Contains(StaffRoles.Admin) && !account.IsDisabled
            && !await OtherActiveAdminAsync(kasseId, accountId, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.StaffLastAdmin);
        }
        account.Roles = after;
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.StaffRolesChanged, AuditOutcome.Success,
            Details: $"{{\"account\":\"{accountId}\",\"from\":\"{before}\",\"to\":\"{after}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return View(account);
    }

    private async Task<bool> OtherActiveAdminAsync(Guid kasseId, Guid accountId, CancellationToken cancellationToken)
    {
        var others = await db.StaffAccounts.AsNoTracking().Where(a => a.KasseId == kasseId && a.Id != accountId && a.DisabledAt == null)
            .Select(a => a.Roles).ToListAsync(cancellationToken).ConfigureAwait(false);
        return others.Any(r => StaffRoles.Split(r).Contains(StaffRoles.Admin));
    }

    internal static StaffAccountView View(StaffAccount a) =>
        new(a.Id, a.UserName ?? "", a.DisplayName, StaffRoles.Split(a.Roles), a.IsDisabled, a.IsExternal, a.TotpConfirmedAt is not null, a.CreatedAt, a.LastSignInAt);
}
