using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Database;

/// <summary>
/// Issue 11, finding 3: a command on a database that is not (yet) Pforte's answers with a PF-DB sentence and exit code 1,
/// never a stack trace, and changes nothing; the embedded database and its folder are readable by the owner only.
/// </summary>
public sealed class DatabaseStateTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pforte-tests", "datadir-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private Dictionary<string, string?> InDataDirectory() => new() { [DataDirectory.Key] = _dir, ["Pforte:Database:Provider"] = "sqlite" };

    private static void AssertRefused(CliRunner.Run run, string code)
    {
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(code + ": ", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal);
    }

    private static async Task<int> SqliteTablesAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_command_before_any_migration_says_how_to_set_the_database_up()
    {
        var run = await CliRunner.RunAsync(InDataDirectory(), "kasse", "list");
        AssertRefused(run, "PF-DB-004");
        Assert.Contains("pforte db migrate", run.Err, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dir, "pforte.db"), run.Err, StringComparison.Ordinal);

        var migrate = await CliRunner.RunAsync(InDataDirectory(), "db", "migrate");
        Assert.Equal(0, migrate.ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(InDataDirectory(), "kasse", "list")).ExitCode);
    }

    [Fact]
    public async Task An_empty_file_is_an_unmigrated_database()
    {
        Directory.CreateDirectory(_dir);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "pforte.db"), [], TestContext.Current.CancellationToken);
        AssertRefused(await CliRunner.RunAsync(InDataDirectory(), "codes", "status", TestData.Kvnr(1)), "PF-DB-004");
    }

    [Fact]
    public async Task Another_applications_sqlite_file_is_refused_and_never_migrated_into()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "pforte.db");
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('x');";
            await command.ExecuteNonQueryAsync();
        }
        AssertRefused(await CliRunner.RunAsync(InDataDirectory(), "kasse", "list"), "PF-DB-006");
        AssertRefused(await CliRunner.RunAsync(InDataDirectory(), "db", "migrate"), "PF-DB-006");
        AssertRefused(await CliRunner.RunAsync(InDataDirectory(), "audit", "verify"), "PF-DB-006");
        Assert.Equal(1, await SqliteTablesAsync(file));
    }

    [Fact]
    public async Task A_file_that_is_no_database_is_refused_and_left_as_it_is()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "pforte.db");
        var text = string.Concat(Enumerable.Repeat("Dies ist keine Datenbank, sondern eine Notiz.\n", 40));
        await File.WriteAllTextAsync(file, text, TestContext.Current.CancellationToken);
        AssertRefused(await CliRunner.RunAsync(InDataDirectory(), "kasse", "list"), "PF-DB-008");
        AssertRefused(await CliRunner.RunAsync(InDataDirectory(), "db", "migrate"), "PF-DB-008");
        Assert.Equal(text, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_unmigrated_database_is_refused_with_its_code(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider, migrate: false);
        AssertRefused(await CliRunner.RunAsync(testDb.Configuration, "kasse", "list"), "PF-DB-004");
        AssertRefused(await CliRunner.RunAsync(testDb.Configuration, "audit", "verify"), "PF-DB-004");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_outdated_schema_is_refused_until_migrated(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider, migrate: false);
        await using (var db = testDb.NewContext())
        {
            var first = db.Database.GetMigrations().First();
            await db.GetService<IMigrator>().MigrateAsync(first, TestContext.Current.CancellationToken);
        }
        var run = await CliRunner.RunAsync(testDb.Configuration, "kasse", "list");
        AssertRefused(run, "PF-DB-005");
        Assert.Equal(0, (await CliRunner.RunAsync(testDb.Configuration, "db", "migrate")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(testDb.Configuration, "kasse", "list")).ExitCode);
    }

    [Fact]
    public async Task Another_applications_postgres_schema_is_refused_and_never_migrated_into()
    {
        await using var testDb = await TestDb.CreateAsync("postgres", migrate: false);
        await using (var connection = new NpgsqlConnection(testDb.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE customers (id int PRIMARY KEY, name text)";
            await command.ExecuteNonQueryAsync();
        }
        AssertRefused(await CliRunner.RunAsync(testDb.Configuration, "kasse", "list"), "PF-DB-006");
        AssertRefused(await CliRunner.RunAsync(testDb.Configuration, "db", "migrate"), "PF-DB-006");
        await using (var connection = new NpgsqlConnection(testDb.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'";
            Assert.Equal(1L, await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task The_database_file_and_its_folder_are_readable_by_the_owner_only()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var migrate = await CliRunner.RunAsync(InDataDirectory(), "db", "migrate");
        Assert.Equal(0, migrate.ExitCode);
        var file = Path.Combine(_dir, "pforte.db");
        // An open connection in WAL mode keeps the -wal and -shm files; SQLite gives them the database file's mode.
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "BEGIN IMMEDIATE; CREATE TABLE t (x); DROP TABLE t; COMMIT; SELECT count(*) FROM kassen;";
            await command.ExecuteScalarAsync();
        }
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            Assert.True(File.Exists(file + suffix), file + suffix);
            Assert.Equal(ownerOnly, File.GetUnixFileMode(file + suffix));
        }
        var keys = await CliRunner.RunAsync(InDataDirectory(), "keys", "list");
        Assert.Equal(0, keys.ExitCode);
        Assert.Equal(ownerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_dir, "keys")));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(_dir, "keys", "keyring.json")));
    }
}
