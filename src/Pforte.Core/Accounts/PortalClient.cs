using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Persistence;

namespace Pforte.Core.Accounts;

/// <summary>
/// The client id under which the built-in portal reports to the machine procedure and to
/// <c>RecordAuthentication.PortalLoginAsync</c>: one API client per Kasse named <see cref="Name"/>, created on first
/// use (audited like any client), with no scope and a key nobody knows (its hash is of random bytes that are thrown
/// away), so it cannot call the API; it exists so that throttling, the client spray alarm, authentications and the
/// audit record name the portal like any other client (ADR 0015).
/// </summary>
public sealed class PortalClient(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public const string Name = "pforte-portal";

    private static readonly ConcurrentDictionary<Guid, Guid> Known = new();

    public async Task<Guid> IdForAsync(Guid kasseId, CancellationToken cancellationToken = default)
    {
        if (Known.TryGetValue(kasseId, out var id))
        {
            return id;
        }
        var existing = await db.ApiClients.AsNoTracking().Where(c => c.KasseId == kasseId && c.Name == Name)
            .Select(c => (Guid?)c.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            existing = await db.ApiClients.AsNoTracking().Where(c => c.KasseId == kasseId && c.Name == Name)
                .Select(c => (Guid?)c.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                var (keyId, _) = ApiKeys.Generate();
                var client = new ApiClient
                {
                    Id = Guid.CreateVersion7(),
                    KasseId = kasseId,
                    Name = Name,
                    KeyId = keyId,
                    KeyHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
                    Scopes = "",
                    CreatedAt = clock.GetUtcNow(),
                };
                db.ApiClients.Add(client);
                await audit.AppendAsync(kasseId, AuditContext.System("portal"), new AuditEvent(AuditAction.ApiClientCreated, AuditOutcome.Success,
                    Details: $"{{\"client\":\"{client.Id}\",\"name\":\"{Name}\",\"scopes\":\"\",\"built_in\":true}}"), cancellationToken).ConfigureAwait(false);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                existing = client.Id;
            }
        }
        Known[kasseId] = existing.Value;
        return existing.Value;
    }
}
