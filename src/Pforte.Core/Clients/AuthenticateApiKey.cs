using Microsoft.EntityFrameworkCore;
using Pforte.Core.Persistence;

namespace Pforte.Core.Clients;

public sealed record AuthenticatedClient(Guid ClientId, Guid KasseId, string Name, IReadOnlySet<string> Scopes);

/// <summary>Finds the active client behind a presented key. Unknown, malformed and revoked keys all give null.</summary>
public sealed class AuthenticateApiKey(PforteDbContext db)
{
    private static readonly byte[] NoHash = new byte[32];

    public async Task<AuthenticatedClient?> ExecuteAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(presentedKey);
        if (!ApiKeys.TryGetKeyId(presentedKey, out var keyId))
        {
            return null;
        }
        var client = await db.ApiClients.AsNoTracking()
            .Where(c => c.KeyId == keyId)
            .Select(c => new { c.Id, c.KasseId, c.Name, c.KeyHash, c.Scopes, c.RevokedAt })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        // Compare even when there is no row, so a wrong key id costs the same as a wrong secret.
        var matches = ApiKeys.Matches(presentedKey, client?.KeyHash ?? NoHash);
        if (client is null || !matches || client.RevokedAt is not null)
        {
            return null;
        }
        return new AuthenticatedClient(client.Id, client.KasseId, client.Name,
            client.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
    }
}
