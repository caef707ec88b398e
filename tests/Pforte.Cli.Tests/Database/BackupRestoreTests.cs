using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Cli.Tests.Letters;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Database;

/// <summary><c>pforte backup create|keys|restore</c> on both databases (docs/backup.md).</summary>
public sealed class BackupRestoreTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_restored_backup_verifies_codes_and_its_audit_chain_but_not_without_the_key_ring(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();
        await f.IssueDueAsync();
        var code = (await f.PendingCodesAsync()).Values.Single();
        var dir = Path.Combine(Path.GetTempPath(), "pforte-tests", "backup-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Backup of the database and, separately, of the key ring.
            var created = await f.CliAsync("backup", "create", "--to", Path.Combine(dir, "db"));
            Assert.True(created.ExitCode == 0, created.Err);
            var file = Assert.Single(Directory.GetFiles(Path.Combine(dir, "db")));
            Assert.EndsWith(provider == "sqlite" ? ".db" : ".dump", file, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Contains("backup keys", created.Out, StringComparison.Ordinal);
            var keyBackup = Path.Combine(dir, "keys", "keyring.json");
            Assert.Equal(0, (await f.CliAsync("backup", "keys", "--to", keyBackup)).ExitCode);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyBackup));
            var again = await f.CliAsync("backup", "keys", "--to", keyBackup);
            Assert.NotEqual(0, again.ExitCode);
            Assert.Contains("PF-BAK-006", again.Err, StringComparison.Ordinal);
            // The database backup holds no key material: the code's hash is there, its key is not.
            var keyText = await File.ReadAllTextAsync(keyBackup, TestContext.Current.CancellationToken);
            var keys = System.Text.RegularExpressions.Regex.Matches(keyText, "\"key\"\\s*:\\s*\"([^\"]+)\"", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
                .Select(m => System.Text.RegularExpressions.Regex.Unescape(m.Groups[1].Value)).ToList();
            Assert.True(keys.Count >= 3, keyText.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var backupBytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            Assert.All(keys, k =>
            {
                Assert.True(backupBytes.AsSpan().IndexOf(Convert.FromBase64String(k)) < 0, "key material in the database backup");
                Assert.True(backupBytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(k)) < 0, "key text in the database backup");
            });

            // Restore into a fresh, empty database, with the key ring restored from its own backup.
            await using var target = await TestDb.CreateAsync(provider, migrate: false);
            var restoredKeys = Path.Combine(dir, "restored-keys", "keyring.json");
            Directory.CreateDirectory(Path.GetDirectoryName(restoredKeys)!);
            File.Copy(keyBackup, restoredKeys);
            var withKeys = new Dictionary<string, string?>(target.Configuration) { ["Pforte:Keys:Path"] = restoredKeys };
            var restored = await CliRunner.RunAsync(withKeys, "backup", "restore", file);
            Assert.True(restored.ExitCode == 0, restored.Err);
            Assert.Equal(0, (await CliRunner.RunAsync(withKeys, "db", "migrate")).ExitCode);
            var verified = await CliRunner.RunAsync(withKeys, "audit", "verify");
            Assert.True(verified.ExitCode == 0, verified.Out + verified.Err);
            Assert.DoesNotContain("gebrochen", verified.Out, StringComparison.Ordinal);

            Assert.True(await CodeMatchesAsync(withKeys, person.Id, code));
            Assert.False(await CodeMatchesAsync(withKeys, person.Id, code == "7405" ? "8052" : "7405"));
            // Without the key ring (a new one is made where none is found) no code verifies.
            var withoutKeys = new Dictionary<string, string?>(target.Configuration) { ["Pforte:Keys:Path"] = Path.Combine(dir, "no-keys", "keyring.json") };
            Assert.False(await CodeMatchesAsync(withoutKeys, person.Id, code));

            // A database with data is not replaced without --replace, and stays as it was.
            var refused = await CliRunner.RunAsync(withKeys, "backup", "restore", file);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("PF-BAK-005", refused.Err, StringComparison.Ordinal);
            Assert.True(await CodeMatchesAsync(withKeys, person.Id, code));
            var replaced = await CliRunner.RunAsync(withKeys, "backup", "restore", file, "--replace");
            Assert.True(replaced.ExitCode == 0, replaced.Err);
            Assert.True(await CodeMatchesAsync(withKeys, person.Id, code));

            // Not a backup: refused with its code.
            var bogus = Path.Combine(dir, "bogus.db");
            await File.WriteAllTextAsync(bogus, "kein Backup", TestContext.Current.CancellationToken);
            var bad = await CliRunner.RunAsync(withKeys, "backup", "restore", bogus, "--replace");
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("PF-BAK-004", bad.Err, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static async Task<bool> CodeMatchesAsync(IReadOnlyDictionary<string, string?> configuration, Guid personId, string code)
    {
        await using var services = new CliContext(TextWriter.Null, TextWriter.Null, configuration).BuildServices();
        await using var scope = services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<PforteDbContext>().AuthCodes.AsNoTracking().SingleAsync(a => a.PersonId == personId, TestContext.Current.CancellationToken);
        return scope.ServiceProvider.GetRequiredService<CodeHasher>().Matches(personId, code, row.CodeHash, row.KeyVersion);
    }
}
