using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Persistence;

namespace Pforte.Core.Staff;

/// <summary>
/// The server side of workspace sessions: a cookie is only as good as its session row and its account, which must be
/// enabled. <see cref="ValidateAsync"/> returns the staff member as the account is now (roles changed by an admin apply
/// on the next request).
/// </summary>
public sealed class StaffSessions(PforteDbContext db, IOptions<StaffOptions> options, AuditLog audit, TimeProvider clock)
{
    private readonly StaffOptions _options = options.Value;

    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    /// <summary>The staff member of a live session (and keeps it alive), or null.</summary>
    public async Task<StaffActor?> ValidateAsync(Guid sessionId, Guid accountId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var found = await db.StaffSessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.AccountId == accountId)
            .Join(db.StaffAccounts.AsNoTracking(), s => s.AccountId, a => a.Id, (s, a) => new { s.RevokedAt, s.ExpiresAt, s.LastSeenAt, a.DisabledAt, a.DisplayName, a.KasseId, a.Roles })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (found is null || found.RevokedAt is not null || found.DisabledAt is not null || now >= found.ExpiresAt || now - found.LastSeenAt >= _options.IdleTimeout)
        {
            return null;
        }
        if (now - found.LastSeenAt >= TouchEvery)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await db.StaffSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return new StaffActor(accountId.ToString(), found.DisplayName, found.KasseId, StaffRoles.Split(found.Roles), sessionId);
    }

    /// <summary>Sign-out of this browser.</summary>
    public async Task SignOutAsync(StaffActor actor, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var accountId = Guid.Parse(actor.StaffId);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var ended = await db.StaffSessions.Where(s => s.Id == actor.SessionId && s.AccountId == accountId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        if (ended == 0)
        {
            return;
        }
        await audit.AppendAsync(actor.KasseId, context, new AuditEvent(AuditAction.StaffSignedOut, AuditOutcome.Success,
            Details: $"{{\"account\":\"{accountId}\",\"session\":\"{actor.SessionId}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends every session of the staff member ("überall abmelden"); returns how many.</summary>
    public async Task<int> RevokeAllAsync(StaffActor actor, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var accountId = Guid.Parse(actor.StaffId);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var count = await db.StaffSessions.Where(s => s.AccountId == accountId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(actor.KasseId, context, new AuditEvent(AuditAction.StaffSessionsRevoked, AuditOutcome.Success,
            Details: $"{{\"account\":\"{accountId}\",\"count\":{count}}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }
}
