using Pforte.Core.Common;

namespace Pforte.Core.Persistence;

public enum DatabaseProvider
{
    Sqlite = 1,
    Postgres = 2,
}

/// <summary>
/// <c>Pforte:Database</c>. Shared by the web host and the CLI through standard configuration, so both use the same
/// database (environment: <c>Pforte__Database__Provider</c>, <c>Pforte__Database__ConnectionString</c>).
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Pforte:Database";

    /// <summary>The embedded default: a file under ./data/ relative to the working directory.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/pforte.db";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    public string? ConnectionString { get; set; }

    public Result<DatabaseProvider> ParsedProvider() => Provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" => DatabaseProvider.Postgres,
        _ => new Error(ErrorCodes.DbProviderUnknown, Provider),
    };

    public Result<(DatabaseProvider Provider, string ConnectionString)> Resolve()
    {
        if (!ParsedProvider().TryGetValue(out var provider, out var error))
        {
            return error;
        }
        if (provider == DatabaseProvider.Postgres)
        {
            return string.IsNullOrWhiteSpace(ConnectionString)
                ? new Error(ErrorCodes.DbConnectionStringMissing)
                : (provider, ConnectionString);
        }
        return (provider, string.IsNullOrWhiteSpace(ConnectionString) ? DefaultSqliteConnectionString : ConnectionString);
    }
}
