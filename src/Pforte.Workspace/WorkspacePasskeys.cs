using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;
using Pforte.Core.Staff;
using Pforte.Portal;

namespace Pforte.Workspace;

/// <summary>
/// Passkeys of staff accounts: the WebAuthn ceremonies (shared with the portal, <see cref="PasskeyCeremonyBase{TUser}"/>,
/// state in the workspace's flow cookie) and what follows them — a sign-in by passkey alone, a passkey added on the own
/// account page (audited <see cref="AuditAction.StaffPasskeyAdded"/>).
/// </summary>
public sealed class WorkspacePasskeys(
    IPasskeyHandler<StaffAccount> handler,
    WorkspaceFlow flow,
    IHttpContextAccessor accessor,
    Microsoft.Extensions.Logging.ILogger<WorkspacePasskeys> logger,
    UserManager<StaffAccount> users,
    SignInStaff signIn,
    PforteDbContext db,
    AuditLog audit)
    : PasskeyCeremonyBase<StaffAccount>(handler, accessor, logger, ErrorCodes.StaffPasskeyFailed, ErrorCodes.StaffPasskeyFailed)
{
    public const string SignIn = "sign-in";
    public const string Add = "add";

    protected override void SetState(string purpose, string? state) => flow.SetPasskeyState(purpose, state);

    protected override string? TakeState(string purpose)
    {
        var state = flow.GetPasskeyState(purpose);
        flow.Clear(WorkspaceFlow.Passkey);
        return state;
    }

    /// <summary>Sign-in by a passkey alone: the assertion, its new sign count, the login.</summary>
    public async Task<Result<StaffLogin>> SignInAsync(string? credential, AuditContext context, CancellationToken cancellationToken)
    {
        var asserted = await AssertAsync(credential, SignIn).ConfigureAwait(false);
        if (!asserted.TryGetValue(out var found, out var error))
        {
            return error;
        }
        await using (var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await users.AddOrUpdatePasskeyAsync(found.Account, found.Passkey).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return await signIn.CompleteWithPasskeyAsync(found.Account.Id, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Options to create a passkey for the signed-in staff member.</summary>
    public async Task<string> CreationOptionsAsync(StaffActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var account = await db.StaffAccounts.AsNoTracking().SingleAsync(a => a.Id == Guid.Parse(actor.StaffId)).ConfigureAwait(false);
        return await CreationOptionsAsync(account.Id, account.UserName!, account.DisplayName, Add).ConfigureAwait(false);
    }

    /// <summary>Stores a verified new passkey of the signed-in staff member.</summary>
    public async Task<Result<string>> AddAsync(StaffActor actor, string? credential, AuditContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var accountId = Guid.Parse(actor.StaffId);
        var attested = await AttestAsync(credential, Add, accountId).ConfigureAwait(false);
        if (!attested.TryGetValue(out var passkey, out var error))
        {
            return error;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var account = await db.StaffAccounts.SingleOrDefaultAsync(a => a.Id == accountId && a.DisabledAt == null, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.StaffPasskeyFailed);
        }
        passkey.Name = "Passkey " + DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (!(await users.AddOrUpdatePasskeyAsync(account, passkey).ConfigureAwait(false)).Succeeded)
        {
            return new Error(ErrorCodes.StaffPasskeyFailed);
        }
        var id = System.Buffers.Text.Base64Url.EncodeToString(passkey.CredentialId);
        await audit.AppendAsync(account.KasseId, context, new AuditEvent(AuditAction.StaffPasskeyAdded, AuditOutcome.Success,
            Details: $"{{\"account\":\"{account.Id}\",\"credential\":\"{id[..Math.Min(16, id.Length)]}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return passkey.Name;
    }

    /// <summary>The staff member's passkeys (name, created).</summary>
    public async Task<IReadOnlyList<(string Name, DateTimeOffset CreatedAt)>> ListAsync(StaffActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var account = await db.StaffAccounts.AsNoTracking().SingleAsync(a => a.Id == Guid.Parse(actor.StaffId)).ConfigureAwait(false);
        var passkeys = await users.GetPasskeysAsync(account).ConfigureAwait(false);
        return [.. passkeys.OrderBy(p => p.CreatedAt).Select(p => (p.Name ?? "Passkey", p.CreatedAt))];
    }
}
