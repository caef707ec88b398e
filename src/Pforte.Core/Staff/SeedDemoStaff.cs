using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Accounts;
using Pforte.Core.Audit;
using Pforte.Core.Persistence;

namespace Pforte.Core.Staff;

/// <summary>A demo staff account: user name, role, display name; <see cref="Created"/> when this run made it.</summary>
public sealed record DemoStaffAccount(string UserName, string Role, string DisplayName, bool Created);

/// <summary>
/// One local staff account per workspace role in the demo Kasse (docs/demo-data.md): one documented password and one
/// documented authenticator key for all of them, so that the workspace can be tried at once — synthetic data only (the
/// caller runs only for a demo Kasse; <see cref="Demo.SeedDemoData"/> refuses any database with a real Kasse). Accounts
/// that exist are kept as they are (their password may have been changed).
/// </summary>
public sealed class SeedDemoStaff(PforteDbContext db, StaffAccounts accounts, IPasswordHasher<StaffAccount> hasher, SecretSealer sealer, TimeProvider clock)
{
    /// <summary>The documented password of every demo staff account.</summary>
    public const string Password = "Pforte-Demo-Arbeitsplatz-2026";

    /// <summary>The documented authenticator key (base32) of every demo staff account: the bytes of <c>PforteDemoStaff-2026</c>.</summary>
    public const string AuthenticatorKey = "KBTG64TUMVCGK3LPKN2GCZTGFUZDAMRW";

    /// <summary>User name and display name per role, in the order of <see cref="StaffRoles.All"/>.</summary>
    public static readonly IReadOnlyList<(string UserName, string Role, string DisplayName)> Accounts =
    [
        ("demo.telefon", StaffRoles.Agent, "Demo Telefon"),
        ("demo.beratung", StaffRoles.Counter, "Demo Beratungscenter"),
        ("demo.backoffice", StaffRoles.BackOffice, "Demo Backoffice"),
        ("demo.teamleitung", StaffRoles.Supervisor, "Demo Teamleitung"),
        ("demo.pruefung", StaffRoles.Auditor, "Demo Prüfung"),
        ("demo.verwaltung", StaffRoles.Admin, "Demo Verwaltung"),
    ];

    /// <summary>The raw authenticator key behind <see cref="AuthenticatorKey"/>.</summary>
    public static byte[] AuthenticatorSecret() => "PforteDemoStaff-2026"u8.ToArray();

    public async Task<IReadOnlyList<DemoStaffAccount>> ExecuteAsync(Guid kasseId, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = new List<DemoStaffAccount>(Accounts.Count);
        foreach (var (userName, role, displayName) in Accounts)
        {
            var normalized = StaffAccounts.Normalize(userName);
            if (await db.StaffAccounts.AsNoTracking().AnyAsync(a => a.NormalizedUserName == normalized, cancellationToken).ConfigureAwait(false))
            {
                result.Add(new DemoStaffAccount(userName, role, displayName, false));
                continue;
            }
            var account = accounts.New(kasseId, userName, displayName, [role]);
            account.PasswordHash = hasher.HashPassword(account, Password);
            account.SealedAuthenticatorKey = sealer.Seal(account.Id, AuthenticatorSecret());
            account.TotpConfirmedAt = clock.GetUtcNow();
            var added = await accounts.AddAsync(account, "demo", context, cancellationToken).ConfigureAwait(false);
            result.Add(new DemoStaffAccount(userName, role, displayName, added.IsSuccess));
        }
        return result;
    }
}
