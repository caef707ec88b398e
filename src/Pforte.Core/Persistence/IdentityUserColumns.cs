using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pforte.Core.Persistence;

/// <summary>
/// The columns Identity's user brings, as staff accounts (<c>staff_accounts</c>) and portal accounts
/// (<c>portal_accounts</c>) both store them: bounded lengths, the concurrency stamp as concurrency token, and user
/// names unique (normalized) across Kassen.
/// </summary>
internal static class IdentityUserColumns
{
    public static void Configure<TUser>(EntityTypeBuilder<TUser> e)
        where TUser : IdentityUser<Guid>
    {
        e.HasIndex(x => x.NormalizedUserName).IsUnique();
        e.Property(x => x.UserName).HasMaxLength(64);
        e.Property(x => x.NormalizedUserName).HasMaxLength(64);
        e.Property(x => x.Email).HasMaxLength(256);
        e.Property(x => x.NormalizedEmail).HasMaxLength(256);
        e.Property(x => x.PasswordHash).HasMaxLength(200);
        e.Property(x => x.SecurityStamp).HasMaxLength(64);
        e.Property(x => x.ConcurrencyStamp).HasMaxLength(64).IsConcurrencyToken();
        e.Property(x => x.PhoneNumber).HasMaxLength(32);
    }
}
