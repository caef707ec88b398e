using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Clients;

public sealed record CreatedApiClient(ApiClient Client, string Key);

/// <summary>Registers an API client for one Kasse and returns its key, which is never shown again.</summary>
public sealed partial class CreateApiClient(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<CreatedApiClient>> ExecuteAsync(Guid kasseId, string name, IReadOnlyCollection<string> scopes, AuditContext context, bool isDemo = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(scopes);
        if (!NamePattern().IsMatch(name))
        {
            return new Error(ErrorCodes.ClientNameInvalid);
        }
        var distinct = scopes.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return new Error(ErrorCodes.ClientNoScope);
        }
        foreach (var scope in distinct)
        {
            if (!ApiScopes.IsKnown(scope))
            {
                return new Error(ErrorCodes.ClientScopeUnknown, TextInput.Echo(scope), string.Join(", ", ApiScopes.All));
            }
        }

        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (await db.ApiClients.AnyAsync(c => c.KasseId == kasseId && c.Name == name, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.ClientNameTaken, name);
        }
        var (keyId, key) = ApiKeys.Generate();
        var client = new ApiClient
        {
            Id = Guid.CreateVersion7(),
            KasseId = kasseId,
            Name = name,
            KeyId = keyId,
            KeyHash = ApiKeys.Hash(key),
            Scopes = string.Join(' ', distinct),
            CreatedAt = clock.GetUtcNow(),
            IsDemo = isDemo,
        };
        db.ApiClients.Add(client);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.ApiClientCreated, AuditOutcome.Success,
            Details: $"{{\"client\":\"{client.Id}\",\"name\":\"{name}\",\"scopes\":\"{client.Scopes}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedApiClient(client, key);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
