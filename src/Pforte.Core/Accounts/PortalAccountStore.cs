using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Pforte.Core.Persistence;

namespace Pforte.Core.Accounts;

/// <summary>
/// Identity's EF Core user store over <see cref="PforteDbContext"/> (which is not an IdentityDbContext: the account
/// tables are configured in <see cref="PortalAccountModel"/>). Used through <c>UserManager</c> for passkeys: Identity's
/// passkey handler finds accounts by credential id and stores credentials and their sign counts here.
/// </summary>
public sealed class PortalAccountStore(PforteDbContext context, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<PortalAccount, PforteDbContext, Guid, IdentityUserClaim<Guid>, IdentityUserLogin<Guid>, IdentityUserToken<Guid>, IdentityUserPasskey<Guid>>(context, describer);
