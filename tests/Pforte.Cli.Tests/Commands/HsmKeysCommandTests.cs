using Microsoft.Extensions.DependencyInjection;
using Pforte.Cli.Tests.Letters;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Commands;

/// <summary><c>pforte keys …</c> and <c>pforte backup …</c> with the keys in an HSM (a real SoftHSM2 token, ADR 0029).</summary>
public sealed class HsmKeysCommandTests
{
    public static IEnumerable<object[]> HsmProviders => [["sqlite+hsm"], ["postgres+hsm"]];

    [Theory]
    [MemberData(nameof(HsmProviders))]
    public async Task Keys_are_listed_rotated_and_retired_in_the_hsm_and_a_key_in_use_is_not(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();
        await f.IssueDueAsync();
        var code = (await f.PendingCodesAsync()).Values.Single(); // unsealed by the HSM

        var list = await f.CliAsync("keys", "list");
        Assert.True(list.ExitCode == 0, list.Err);
        Assert.Contains("code-hash   v1", list.Out, StringComparison.Ordinal);
        Assert.Contains("Prüfwerte: 1", list.Out, StringComparison.Ordinal);
        Assert.Contains("account-secret v1", list.Out, StringComparison.Ordinal);
        Assert.Contains("content-wrap v1", list.Out, StringComparison.Ordinal);

        Assert.Contains("Version 2", (await f.CliAsync("keys", "rotate", "--purpose", "code-hash")).Out, StringComparison.Ordinal);
        Assert.Contains("Version 3", (await f.CliAsync("keys", "rotate", "--purpose", "code-hash")).Out, StringComparison.Ordinal);
        Assert.Contains("Version 2", (await f.CliAsync("keys", "rotate", "--purpose", "account-secret")).Out, StringComparison.Ordinal);

        var inUse = await f.CliAsync("keys", "retire", "1");
        Assert.Equal(1, inUse.ExitCode);
        Assert.StartsWith(ErrorCodes.KeyInUse, inUse.Err, StringComparison.Ordinal);
        var newest = await f.CliAsync("keys", "retire", "3");
        Assert.StartsWith(ErrorCodes.KeyNotRetirable, newest.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await f.CliAsync("keys", "retire", "2")).ExitCode);

        list = await f.CliAsync("keys", "list");
        Assert.Contains("code-hash   v1", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("code-hash   v2", list.Out, StringComparison.Ordinal);
        Assert.Contains("code-hash   v3", list.Out, StringComparison.Ordinal);

        // The old hash still verifies after the rotations (through another process's store on the same token).
        var row = await f.WithDbAsync(db => Task.FromResult(db.AuthCodes.Single(a => a.PersonId == person.Id)));
        var hasher = new CodeHasher(f.Db.OpenKeyStore());
        Assert.True(hasher.Matches(person.Id, code, row.CodeHash, row.KeyVersion));
        Assert.True(hasher.NeedsRekey(row.KeyVersion));
    }

    [Theory]
    [MemberData(nameof(HsmProviders))]
    public async Task A_backup_says_the_keys_are_in_the_hsm_and_writes_no_key_ring_file(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var dir = Path.Combine(Path.GetTempPath(), "pforte-tests", "backup-hsm-" + Guid.NewGuid().ToString("N"));
        try
        {
            var created = await f.CliAsync("backup", "create", "--to", Path.Combine(dir, "db"));
            Assert.True(created.ExitCode == 0, created.Err);
            Assert.Contains("Die Schlüssel liegen im HSM (Token „pforte-test“)", created.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("backup keys", created.Out, StringComparison.Ordinal);

            var keys = await f.CliAsync("backup", "keys", "--to", Path.Combine(dir, "keys", "keyring.json"));
            Assert.Equal(1, keys.ExitCode);
            Assert.StartsWith($"{ErrorCodes.KeysInHsmNoKeyRingBackup}: ", keys.Err, StringComparison.Ordinal);
            Assert.Contains("Werkzeugen des HSM-Herstellers", keys.Err, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(dir, "keys")));
            Assert.False(File.Exists(f.Db.KeyRingPath));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Hsm_settings_that_cannot_work_are_a_code_and_a_sentence_never_the_pin_or_a_stack_trace()
    {
        await using var f = await LetterExportFixture.CreateAsync("sqlite+hsm");
        foreach (var (key, value, expected) in new[]
        {
            ("Pforte:Keys:Pkcs11:Library", "/nonexistent/libvendor.so", ErrorCodes.HsmLibraryNotLoadable),
            ("Pforte:Keys:Pkcs11:TokenLabel", "no-such-token", ErrorCodes.HsmTokenNotFound),
            ("Pforte:Keys:Pkcs11:PinFile", SoftHsm.WrongPinFile, ErrorCodes.HsmLoginFailed),
            ("Pforte:Keys:Pkcs11:PinFile", "/nonexistent/pin", ErrorCodes.HsmPinFileInvalid),
            ("Pforte:Keys:Provider", "Vault", ErrorCodes.KeyProviderUnknown),
        })
        {
            var settings = new Dictionary<string, string?>(f.Db.Configuration) { [key] = value };
            if (expected == ErrorCodes.HsmLoginFailed)
            {
                settings["Pforte:Keys:Pkcs11:TokenLabel"] = SoftHsm.LockedTokenLabel;
            }
            var run = await CliRunner.RunAsync(settings, "keys", "list");
            Assert.Equal(1, run.ExitCode);
            Assert.StartsWith($"{expected}: ", run.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("0000-0000", run.Err + run.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("1234-5678", run.Err + run.Out, StringComparison.Ordinal);
        }
    }
}
