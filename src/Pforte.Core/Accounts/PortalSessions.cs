using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Accounts;

/// <summary>A session as the security page lists it.</summary>
public sealed record PortalSessionView(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string Factors, string? Device, bool IsCurrent);

/// <summary>
/// The server side of portal sessions: a cookie is only as good as its session row, which ends after
/// <see cref="PortalAccountOptions.IdleTimeout"/> without a request, <see cref="PortalAccountOptions.AbsoluteTimeout"/>
/// after the login, or when revoked (sign-out, "überall abmelden", one session ended on the security page).
/// </summary>
public sealed class PortalSessions(PforteDbContext db, IOptions<PortalAccountOptions> options, AuditLog audit, TimeProvider clock)
{
    private readonly PortalAccountOptions _options = options.Value;

    /// <summary>Last-seen is written at most once a minute per session: idle time is measured to the minute.</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    /// <summary>True when the session is alive; keeps it alive (sliding idle time).</summary>
    public async Task<bool> ValidateAsync(Guid sessionId, Guid accountId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var session = await db.PortalSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId && s.AccountId == accountId, cancellationToken).ConfigureAwait(false);
        if (session is null || session.RevokedAt is not null || now >= session.ExpiresAt || now - session.LastSeenAt >= _options.IdleTimeout)
        {
            return false;
        }
        if (now - session.LastSeenAt >= TouchEvery)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await db.PortalSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    public async Task<IReadOnlyList<PortalSessionView>> ListAsync(Guid accountId, Guid currentSessionId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var idleSince = now - _options.IdleTimeout;
        var sessions = await db.PortalSessions.AsNoTracking()
            .Where(s => s.AccountId == accountId && s.RevokedAt == null && s.ExpiresAt > now && s.LastSeenAt > idleSince)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. sessions.OrderByDescending(s => s.LastSeenAt).Select(s => new PortalSessionView(s.Id, s.CreatedAt, s.LastSeenAt, s.Factors, s.Device, s.Id == currentSessionId))];
    }

    /// <summary>Sign-out of this browser.</summary>
    public async Task SignOutAsync(Guid accountId, Guid sessionId, AuditContext context, CancellationToken cancellationToken = default)
    {
        var session = await db.PortalSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId && s.AccountId == accountId && s.RevokedAt == null, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await db.PortalSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(session.KasseId, context, new AuditEvent(AuditAction.PortalSignedOut, AuditOutcome.Success, session.PersonId,
            Details: $"{{\"account\":\"{accountId}\",\"session\":\"{sessionId}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends one session of the account (<paramref name="sessionId"/>) or all of them (null: "überall abmelden", the
    /// current one included). A session of someone else answers PF-ACC-018 like one that does not exist.
    /// </summary>
    public async Task<Result<int>> RevokeAsync(Guid accountId, Guid? sessionId, AuditContext context, CancellationToken cancellationToken = default)
    {
        var account = await db.PortalAccounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => new { a.KasseId, a.PersonId }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new Error(ErrorCodes.AccountSessionNotFound);
        }
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var query = db.PortalSessions.Where(s => s.AccountId == accountId && s.RevokedAt == null);
        if (sessionId is { } one)
        {
            query = query.Where(s => s.Id == one);
        }
        var count = await query.ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), cancellationToken).ConfigureAwait(false);
        if (sessionId is not null && count == 0)
        {
            return new Error(ErrorCodes.AccountSessionNotFound);
        }
        var detail = sessionId is { } id ? $",\"session\":\"{id}\"" : "";
        await audit.AppendAsync(account.KasseId, context, new AuditEvent(AuditAction.PortalSessionsRevoked, AuditOutcome.Success, account.PersonId,
            Details: $"{{\"account\":\"{accountId}\",\"count\":{count}{detail}}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }
}
