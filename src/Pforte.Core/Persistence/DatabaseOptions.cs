using Microsoft.Data.Sqlite;
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

    /// <summary>The embedded default: <c>pforte.db</c> in the data directory (<see cref="Persistence.DataDirectory"/>), wherever the process starts.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=pforte.db";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    public string? ConnectionString { get; set; }

    /// <summary><c>Pforte:DataDirectory</c> (set from outside the section); null for the default.</summary>
    public string? DataDirectory { get; set; }

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
        return SqliteInDataDirectory(string.IsNullOrWhiteSpace(ConnectionString) ? DefaultSqliteConnectionString : ConnectionString, DataDirectory)
            .TryGetValue(out var sqlite, out var noDirectory)
            ? (provider, sqlite)
            : noDirectory;
    }

    /// <summary>An SQLite connection string whose relative <c>Data Source</c> is taken from the data directory, not the working directory.</summary>
    public static Result<string> SqliteInDataDirectory(string connectionString, string? dataDirectory)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource is not { Length: > 0 } source || source == ":memory:" || csb.Mode == SqliteOpenMode.Memory
            || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }
        if (!Persistence.DataDirectory.PathFor(source, dataDirectory).TryGetValue(out var path, out var error))
        {
            return error;
        }
        csb.DataSource = path;
        return csb.ToString();
    }
}
