using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Clients;

/// <summary>
/// Revokes an API client of one Kasse, found by its name or its key id. A revoked key is refused with 401: on SQLite
/// from the next request on (every request reads the database); on PostgreSQL as soon as each web host has heard the
/// change notification the commit sends (milliseconds; <see cref="ApiKeyCache"/>).
/// Revoking twice is harmless: the first revocation time is kept and nothing new is audited.
/// </summary>
public sealed class RevokeApiClient(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<ApiClient>> ExecuteAsync(Guid kasseId, string nameOrKeyId, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nameOrKeyId);
        ArgumentNullException.ThrowIfNull(context);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // A name wins over a key id: names are what operators type; key ids are 12 hex digits and rarely collide with one.
        var client = await db.ApiClients.AsTracking()
                .SingleOrDefaultAsync(c => c.KasseId == kasseId && c.Name == nameOrKeyId, cancellationToken).ConfigureAwait(false)
            ?? await db.ApiClients.AsTracking()
                .SingleOrDefaultAsync(c => c.KasseId == kasseId && c.KeyId == nameOrKeyId, cancellationToken).ConfigureAwait(false);
        if (client is null)
        {
            return new Error(ErrorCodes.ClientNotFound, nameOrKeyId);
        }
        if (client.RevokedAt is not null)
        {
            return client;
        }
        client.RevokedAt = clock.GetUtcNow();
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.ApiClientRevoked, AuditOutcome.Success,
            Details: $"{{\"client\":\"{client.Id}\",\"name\":\"{client.Name}\",\"key_id\":\"{client.KeyId}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return client;
    }
}
