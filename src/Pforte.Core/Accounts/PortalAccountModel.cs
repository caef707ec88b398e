using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Insured;

namespace Pforte.Core.Accounts;

/// <summary>
/// The tables of portal accounts on <see cref="Persistence.PforteDbContext"/>: Identity's user, claim, login, token
/// and passkey entities (the shape of <c>IdentityUserContext</c> with passkeys, schema version 3) under snake_case
/// table names of our own, plus the server-side sessions. One account per person and unique user names are enforced
/// by the database.
/// </summary>
internal static class PortalAccountModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PortalAccount>(e =>
        {
            e.ToTable("portal_accounts");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithOne().HasForeignKey<PortalAccount>(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.PersonId).IsUnique();
            Persistence.IdentityUserColumns.Configure(e);
            e.Property(x => x.SealedAuthenticatorKey).HasMaxLength(64);
            e.HasMany<IdentityUserClaim<Guid>>().WithOne().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany<IdentityUserLogin<Guid>>().WithOne().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany<IdentityUserToken<Guid>>().WithOne().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany<IdentityUserPasskey<Guid>>().WithOne().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<IdentityUserClaim<Guid>>(e =>
        {
            e.ToTable("portal_account_claims");
            e.HasKey(x => x.Id);
            e.Property(x => x.ClaimType).HasMaxLength(256);
            e.Property(x => x.ClaimValue).HasMaxLength(1024);
        });

        modelBuilder.Entity<IdentityUserLogin<Guid>>(e =>
        {
            e.ToTable("portal_account_logins");
            e.HasKey(x => new { x.LoginProvider, x.ProviderKey });
            e.Property(x => x.LoginProvider).HasMaxLength(128);
            e.Property(x => x.ProviderKey).HasMaxLength(128);
            e.Property(x => x.ProviderDisplayName).HasMaxLength(128);
        });

        modelBuilder.Entity<IdentityUserToken<Guid>>(e =>
        {
            e.ToTable("portal_account_tokens");
            e.HasKey(x => new { x.UserId, x.LoginProvider, x.Name });
            e.Property(x => x.LoginProvider).HasMaxLength(128);
            e.Property(x => x.Name).HasMaxLength(128);
            e.Property(x => x.Value).HasMaxLength(1024);
        });

        modelBuilder.Entity<IdentityUserPasskey<Guid>>(e =>
        {
            e.ToTable("portal_account_passkeys");
            e.HasKey(x => x.CredentialId);
            e.Property(x => x.CredentialId).HasMaxLength(1024);
            e.HasIndex(x => x.UserId);
            // The credential's public key and counters as one JSON column, as Identity's own context maps it.
            e.OwnsOne(x => x.Data, d =>
            {
                d.ToJson("data");
            });
        });

        modelBuilder.Entity<PortalActivation>(e =>
        {
            e.ToTable("portal_activations");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Letters.OutboxLetter>().WithMany().HasForeignKey(x => x.LetterId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.PersonId, x.CreatedAt });
            e.Property(x => x.CodeHash).HasMaxLength(32);
        });

        modelBuilder.Entity<PortalSession>(e =>
        {
            e.ToTable("portal_sessions");
            e.HasKey(x => x.Id);
            e.HasOne<PortalAccount>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.AccountId, x.CreatedAt });
            e.Property(x => x.Level).HasMaxLength(16);
            e.Property(x => x.Factors).HasMaxLength(64);
            e.Property(x => x.Device).HasMaxLength(120);
        });
    }
}
