using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Pforte.Core.Persistence;

namespace Pforte.Core.Staff;

/// <summary>
/// Identity's EF Core user store for staff accounts, used through <c>UserManager</c> by Identity's passkey handler
/// (find by credential id, store credentials and sign counts in <c>staff_account_passkeys</c>).
/// </summary>
public sealed class StaffAccountStore(PforteDbContext context, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<StaffAccount, PforteDbContext, Guid, IdentityUserClaim<Guid>, IdentityUserLogin<Guid>, IdentityUserToken<Guid>, StaffPasskey>(context, describer);
