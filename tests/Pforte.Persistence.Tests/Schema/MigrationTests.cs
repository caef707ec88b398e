using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Schema;

public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_migrations_match_the_model(string provider)
    {
        // Fails when someone changes the model and forgets the migration for this provider.
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} migrations lag behind the model: add a migration.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Migrating_twice_is_harmless(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        await DatabaseSetup.MigrateAsync(db, TestContext.Current.CancellationToken);
        Assert.Equal(0, await db.InsuredPersons.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_embedded_database_runs_in_wal_mode()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await using var connection = new SqliteConnection(testDb.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("mysql", null, ErrorCodes.DbProviderUnknown)]
    [InlineData("postgres", null, ErrorCodes.DbConnectionStringMissing)]
    [InlineData("postgres", " ", ErrorCodes.DbConnectionStringMissing)]
    public void Bad_database_settings_are_refused_with_a_code(string provider, string? connectionString, string code)
    {
        var result = new DatabaseOptions { Provider = provider, ConnectionString = connectionString }.Resolve();
        Assert.Equal(code, result.Error?.Code);
    }

    [Fact]
    public void Sqlite_is_the_default_with_a_file_in_the_data_directory_not_the_working_directory()
    {
        var result = new DatabaseOptions().Resolve();
        Assert.Equal(DatabaseProvider.Sqlite, result.Value.Provider);
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        Assert.Equal($"Data Source={Path.Combine(local, "pforte", "pforte.db")}", result.Value.ConnectionString);
    }

    [Fact]
    public void A_relative_sqlite_file_is_taken_from_the_configured_data_directory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pforte-elsewhere");
        var result = new DatabaseOptions { ConnectionString = "Data Source=sub/x.db;Pooling=False", DataDirectory = dir }.Resolve();
        Assert.Equal($"Data Source={Path.Combine(dir, "sub", "x.db")};Pooling=False", result.Value.ConnectionString);
        var absolute = new DatabaseOptions { ConnectionString = "Data Source=/srv/pforte/p.db", DataDirectory = dir }.Resolve();
        Assert.Equal("Data Source=/srv/pforte/p.db", absolute.Value.ConnectionString);
    }
}

public sealed class SqliteSettingsTests
{
    [Fact]
    public async Task Every_pooled_connection_gets_foreign_keys_secure_delete_wal_sync_and_small_checkpoints()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var pooled = testDb.ConnectionString.Replace("Pooling=False", "Pooling=True", StringComparison.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            await using var db = new PforteDbContext(DatabaseSetup.BuildOptions(DatabaseProvider.Sqlite, pooled));
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT (SELECT foreign_keys FROM pragma_foreign_keys) || (SELECT secure_delete FROM pragma_secure_delete) || (SELECT synchronous FROM pragma_synchronous)";
            Assert.Equal("111", Convert.ToString(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture));
            command.CommandText = "PRAGMA wal_autocheckpoint";
            Assert.Equal(500L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
            await db.Database.CloseConnectionAsync();
        }
    }
}

public sealed class PostgresSettingsTests
{
    [Fact]
    public void Pooled_connections_keep_their_prepared_statements_unless_the_operator_says_otherwise()
    {
        var prepared = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseSetup.PreparePostgres("Host=db;Username=pforte;Password=secret"));
        Assert.True(prepared.NoResetOnClose);
        Assert.Equal(64, prepared.MaxAutoPrepare);
        Assert.Equal("secret", prepared.Password);

        var chosen = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseSetup.PreparePostgres("Host=db;No Reset On Close=false;Max Auto Prepare=0"));
        Assert.False(chosen.NoResetOnClose);
        Assert.Equal(0, chosen.MaxAutoPrepare);
    }

    [Fact]
    public async Task A_statement_run_often_is_prepared_once_and_stays_prepared_on_the_pooled_connection()
    {
        await using var testDb = await TestDb.CreateAsync("postgres");
        // One physical connection, so that every open below gets the same one back from the pool (with several idle
        // connections the usages spread over them and none may reach Npgsql's auto-prepare threshold).
        var options = DatabaseSetup.BuildOptions(DatabaseProvider.Postgres, testDb.ConnectionString + ";Maximum Pool Size=1");
        for (var i = 0; i < 12; i++)
        {
            await using var db = new PforteDbContext(options);
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT count(*) FROM kassen WHERE id = ANY(@ids)";
            var ids = command.CreateParameter();
            ids.ParameterName = "@ids";
            ids.Value = new[] { Guid.NewGuid() };
            command.Parameters.Add(ids);
            Assert.Equal(0L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
            await db.Database.CloseConnectionAsync();
        }
        await using (var db = new PforteDbContext(options))
        {
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM kassen WHERE id = ANY%'";
            Assert.Equal(1L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
    }
}
