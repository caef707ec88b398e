using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Insured;

namespace Pforte.Core.Staff;

/// <summary>
/// The tables of staff accounts (ADR 0023): the Identity user, its passkeys (a table of their own, not the portal's)
/// and the server-side sessions. User names are unique across Kassen (the sign-in page asks for no Kasse); an external
/// account is unique by issuer and subject.
/// </summary>
internal static class StaffModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StaffAccount>(e =>
        {
            e.ToTable("staff_accounts");
            e.HasKey(x => x.Id);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            Persistence.IdentityUserColumns.Configure(e);
            e.HasIndex(x => new { x.ExternalIssuer, x.ExternalSubject }).IsUnique();
            e.HasIndex(x => x.KasseId);
            e.Property(x => x.DisplayName).HasMaxLength(100);
            e.Property(x => x.Roles).HasMaxLength(100);
            e.Property(x => x.ExternalIssuer).HasMaxLength(256);
            e.Property(x => x.ExternalSubject).HasMaxLength(256);
            e.Property(x => x.SealedAuthenticatorKey).HasMaxLength(64);
            e.Ignore(x => x.IsDisabled);
            e.Ignore(x => x.IsExternal);
            e.HasMany<StaffPasskey>().WithOne().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<StaffPasskey>(e =>
        {
            // Not part of the portal's passkey hierarchy: a root entity in its own table.
            e.HasBaseType((Type?)null);
            e.ToTable("staff_account_passkeys");
            e.HasKey(x => x.CredentialId);
            e.Property(x => x.CredentialId).HasMaxLength(1024);
            e.HasIndex(x => x.UserId);
            e.OwnsOne(x => x.Data, d => d.ToJson("data"));
        });

        modelBuilder.Entity<StaffSession>(e =>
        {
            e.ToTable("staff_sessions");
            e.HasKey(x => x.Id);
            e.HasOne<StaffAccount>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.AccountId, x.CreatedAt });
            e.Property(x => x.Factors).HasMaxLength(64);
        });
    }
}
