using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Accounts;

/// <summary>A demo portal account and, when this run created it, the authenticator key to type into an app (shown once).</summary>
public sealed record DemoAccount(string UserName, string Password, string Kvnr, string Name, string? AuthenticatorKey);

/// <summary>
/// Portal accounts for the first adult, living, insured members of the demo Kasse (docs/demo-data.md): user names
/// <c>demo1</c>…, one documented password, a fresh authenticator key each, printed in the log like the demo API keys —
/// synthetic data only (the caller runs only for a demo Kasse). Existing demo accounts are kept (their key is not shown again).
/// </summary>
public sealed class SeedDemoAccounts(PforteDbContext db, IPasswordHasher<PortalAccount> hasher, SecretSealer sealer, AuditLog audit, TimeProvider clock)
{
    public const int Count = 3;

    /// <summary>The documented password of every demo account (not in the common list, 10+ characters).</summary>
    public const string Password = "Pforte-Demo-Konto-2026";

    public async Task<IReadOnlyList<DemoAccount>> ExecuteAsync(Guid kasseId, AuditContext context, CancellationToken cancellationToken = default)
    {
        var today = BerlinCalendar.Today(clock);
        var adult = today.AddYears(-18);
        var persons = await db.InsuredPersons.AsNoTracking()
            .Where(p => p.KasseId == kasseId && p.DeceasedOn == null && p.InsuranceEnd == null && p.BirthDate <= adult
                && p.InsuranceKind == Insured.InsuranceKind.Member && p.Cards.Any(c => c.EndedAt == null))
            .OrderBy(p => p.Kvnr).Take(Count).ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<DemoAccount>(persons.Count);
        for (var i = 0; i < persons.Count; i++)
        {
            var person = persons[i];
            var userName = $"demo{i + 1}";
            var name = $"{person.GivenName} {person.FamilyName}";
            if (await db.PortalAccounts.AnyAsync(a => a.PersonId == person.Id || a.NormalizedUserName == RegisterPortalAccount.Normalized(userName), cancellationToken).ConfigureAwait(false))
            {
                result.Add(new DemoAccount(userName, Password, person.Kvnr, name, null));
                continue;
            }
            var now = clock.GetUtcNow();
            var account = new PortalAccount
            {
                Id = Guid.CreateVersion7(),
                KasseId = kasseId,
                PersonId = person.Id,
                UserName = userName,
                NormalizedUserName = RegisterPortalAccount.Normalized(userName),
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString("N"),
                LockoutEnabled = true,
                TwoFactorEnabled = true,
                CreatedAt = now,
                CompletedAt = now,
            };
            account.PasswordHash = hasher.HashPassword(account, Password);
            var secret = Totp.NewSecret();
            account.SealedAuthenticatorKey = sealer.Seal(account.Id, secret);
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            db.PortalAccounts.Add(account);
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PortalAccountRegistered, AuditOutcome.Success, person.Id, person.Kvnr,
                Details: $"{{\"account\":\"{account.Id}\",\"user_name\":\"{userName}\",\"factor\":\"totp\",\"demo\":true}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            result.Add(new DemoAccount(userName, Password, person.Kvnr, name, Totp.Base32(secret)));
        }
        return result;
    }
}
