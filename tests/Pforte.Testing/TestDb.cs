using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pforte.Core.Persistence;

namespace Pforte.Testing;

/// <summary>
/// A fresh, migrated database for one test, on SQLite (a temp file) or on the throwaway PostgreSQL that
/// scripts/test.sh starts (PFORTE_TEST_PG). PostgreSQL databases are cloned from a migrated template, which is
/// fast. Without PFORTE_TEST_PG the PostgreSQL tests fail loudly: they must never be skipped silently.
/// </summary>
public sealed class TestDb : IAsyncDisposable
{
    public const string PostgresEnvironmentVariable = "PFORTE_TEST_PG";
    /// <summary>For <c>[MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]</c>: every such test runs on both databases.</summary>
    public static IEnumerable<object[]> Providers => [["sqlite"], ["postgres"]];

    /// <summary>
    /// Both databases, each with the key-ring file and with the keys in an HSM (a real SoftHSM2 token, ADR 0029): the
    /// provider "sqlite+hsm" is SQLite with <c>Pforte:Keys:Provider = Pkcs11</c>.
    /// </summary>
    public static IEnumerable<object[]> ProvidersAndKeyStores => [["sqlite"], ["postgres"], ["sqlite+hsm"], ["postgres+hsm"]];

    public const string HsmSuffix = "+hsm";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static bool _templateReady;
    /// <summary>One template per test process: several test runs share the throwaway server, and each rebuilds its template.</summary>
    private static readonly string TemplateName = "pforte_test_template_" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private TestDb(DatabaseProvider provider, string connectionString, string? sqliteFile, string? pgName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        SqliteFile = sqliteFile;
        PgDatabaseName = pgName;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public string? SqliteFile { get; }

    public string? PgDatabaseName { get; }

    public string ProviderName => Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgres";

    /// <summary>A key ring of this test's own, outside the database like in production.</summary>
    public string KeyRingPath { get; } = Path.Combine(Path.GetTempPath(), "pforte-tests", "keys-" + Guid.NewGuid().ToString("N"), "keyring.json");

    /// <summary>The keys in a SoftHSM2 token (under a label prefix of this test's own) instead of the key-ring file.</summary>
    public bool KeysInHsm => HsmPrefix is not null;

    public string? HsmPrefix { get; private init; }

    /// <summary>Configuration keys for a host (web or CLI) on this database.</summary>
    public Dictionary<string, string?> Configuration
    {
        get
        {
            var values = new Dictionary<string, string?>
            {
                ["Pforte:Database:Provider"] = ProviderName,
                ["Pforte:Database:ConnectionString"] = ConnectionString,
                ["Pforte:Keys:Path"] = KeyRingPath,
            };
            if (HsmPrefix is not null)
            {
                foreach (var (key, value) in SoftHsm.Configuration(HsmPrefix))
                {
                    values[key] = value;
                }
            }
            return values;
        }
    }

    /// <summary>The same keys as the host's, through a store of its own (as the CLI in another process would open them).</summary>
    public Pforte.Core.Common.Keys.IKeyStore OpenKeyStore() =>
        HsmPrefix is not null ? SoftHsm.Open(HsmPrefix) : new Pforte.Core.Common.Keys.FileKeyRing(KeyRingPath, TimeProvider.System);

    public PforteDbContext NewContext() => new(DatabaseSetup.BuildOptions(Provider, ConnectionString));

    public static async Task<TestDb> CreateAsync(string provider, bool migrate = true)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.EndsWith(HsmSuffix, StringComparison.Ordinal))
        {
            var db = await CreateAsync(provider[..^HsmSuffix.Length], migrate).ConfigureAwait(false);
            return new TestDb(db.Provider, db.ConnectionString, db.SqliteFile, db.PgDatabaseName) { HsmPrefix = SoftHsm.NewPrefix() };
        }
        return provider switch
        {
            "sqlite" => await CreateSqliteAsync(migrate).ConfigureAwait(false),
            "postgres" => await CreatePostgresAsync(migrate).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "sqlite or postgres"),
        };
    }

    private static async Task<TestDb> CreateSqliteAsync(bool migrate)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pforte-tests");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{Guid.NewGuid():N}.db");
        var db = new TestDb(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False", file, null);
        if (migrate)
        {
            await using var context = db.NewContext();
            await DatabaseSetup.MigrateAsync(context).ConfigureAwait(false);
        }
        return db;
    }

    public static string PostgresServerConnectionString =>
        Environment.GetEnvironmentVariable(PostgresEnvironmentVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{PostgresEnvironmentVariable} is not set. PostgreSQL tests need a server: run scripts/test.sh, or start one with " +
                "'eval \"$(scripts/pg-test-cluster.sh start)\"' and run the tests again.");

    private static async Task<TestDb> CreatePostgresAsync(bool migrate)
    {
        var server = PostgresServerConnectionString;
        var name = "pforte_t_" + Guid.NewGuid().ToString("N")[..16];
        if (migrate)
        {
            await EnsureTemplateAsync(server).ConfigureAwait(false);
        }
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = migrate ? $"CREATE DATABASE {name} TEMPLATE {TemplateName}" : $"CREATE DATABASE {name}";
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        var csb = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDb(DatabaseProvider.Postgres, csb.ConnectionString, null, name);
    }

    private static async Task EnsureTemplateAsync(string server)
    {
        await TemplateLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_templateReady)
            {
                return;
            }
            await using (var connection = new NpgsqlConnection(server))
            {
                await connection.OpenAsync().ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                // Each test process builds its own template from the current migrations.
                command.CommandText = $"DROP DATABASE IF EXISTS {TemplateName} WITH (FORCE); CREATE DATABASE {TemplateName}";
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            var csb = new NpgsqlConnectionStringBuilder(server) { Database = TemplateName, Pooling = false };
            await using (var context = new PforteDbContext(DatabaseSetup.BuildOptions(DatabaseProvider.Postgres, csb.ConnectionString)))
            {
                await DatabaseSetup.MigrateAsync(context).ConfigureAwait(false);
            }
            _templateReady = true;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(Path.GetDirectoryName(KeyRingPath)))
        {
            Directory.Delete(Path.GetDirectoryName(KeyRingPath)!, recursive: true);
        }
        if (SqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(SqliteFile + suffix);
                }
                catch (IOException)
                {
                    // A file still open by a finishing test host is left for the OS temp cleaner.
                }
            }
        }
        if (PgDatabaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(PostgresServerConnectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS {PgDatabaseName} WITH (FORCE)";
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }
}
