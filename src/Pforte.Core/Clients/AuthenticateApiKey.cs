using Pforte.Core.Persistence;

namespace Pforte.Core.Clients;

public sealed record AuthenticatedClient(Guid ClientId, Guid KasseId, string Name, IReadOnlySet<string> Scopes);

/// <summary>Finds the active client behind a presented key. Unknown, malformed and revoked keys all give null.</summary>
public sealed class AuthenticateApiKey(PforteDbContext db, ApiKeyCache cache)
{
    private static readonly byte[] NoHash = new byte[32];

    public async Task<AuthenticatedClient?> ExecuteAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(presentedKey);
        if (!ApiKeys.TryGetKeyId(presentedKey, out var keyId))
        {
            return null;
        }
        var lookup = cache.BeginLookup();
        var cached = cache.TryGet(keyId, out var client);
        if (!cached)
        {
            client = await FindAsync(keyId, cancellationToken).ConfigureAwait(false);
        }
        // Compare even when there is no row, so a wrong key id costs the same as a wrong secret.
        var matches = ApiKeys.Matches(presentedKey, client?.KeyHash ?? NoHash);
        if (client is null || !matches || client.RevokedAt is not null)
        {
            return null;
        }
        if (!cached)
        {
            cache.Add(keyId, client, lookup);
        }
        return new AuthenticatedClient(client.Id, client.KasseId, client.Name,
            client.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// One plain indexed statement (see <see cref="PlainSql"/>); on every request unless <see cref="ApiKeyCache"/> is
    /// live (PostgreSQL with a listener for changes to the clients table).
    /// </summary>
    private async Task<ClientRow?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        var sql = await PlainSql.CreateAsync(db, "SELECT id, kasse_id, name, key_hash, scopes, revoked_at FROM api_clients WHERE key_id = @key", cancellationToken).ConfigureAwait(false);
        await using (sql.ConfigureAwait(false))
        {
            sql.With<ApiClient>("@key", nameof(ApiClient.KeyId), keyId);
            var reader = await sql.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
                return new ClientRow(
                    sql.Read<ApiClient, Guid>(reader, 0, nameof(ApiClient.Id)),
                    sql.Read<ApiClient, Guid>(reader, 1, nameof(ApiClient.KasseId)),
                    reader.GetString(2),
                    (byte[])reader.GetValue(3),
                    reader.GetString(4),
                    sql.Read<ApiClient, DateTimeOffset?>(reader, 5, nameof(ApiClient.RevokedAt)));
            }
        }
    }
}

internal sealed record ClientRow(Guid Id, Guid KasseId, string Name, byte[] KeyHash, string Scopes, DateTimeOffset? RevokedAt);
