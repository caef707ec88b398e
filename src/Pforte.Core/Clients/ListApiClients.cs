using Microsoft.EntityFrameworkCore;
using Pforte.Core.Persistence;

namespace Pforte.Core.Clients;

/// <summary>An API client as operators see it. Deliberately without the key hash.</summary>
public sealed record ApiClientSummary(string Name, string KeyId, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool IsDemo);

/// <summary>The API clients of one Kasse, revoked ones included (operators need to see that a key is dead).</summary>
public sealed class ListApiClients(PforteDbContext db)
{
    public async Task<IReadOnlyList<ApiClientSummary>> ExecuteAsync(Guid kasseId, CancellationToken cancellationToken = default)
    {
        var rows = await db.ApiClients.AsNoTracking()
            .Where(c => c.KasseId == kasseId)
            .Select(c => new { c.Name, c.KeyId, c.Scopes, c.CreatedAt, c.RevokedAt, c.IsDemo })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => new ApiClientSummary(c.Name, c.KeyId, c.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), c.CreatedAt, c.RevokedAt, c.IsDemo))
            .ToList();
    }
}
