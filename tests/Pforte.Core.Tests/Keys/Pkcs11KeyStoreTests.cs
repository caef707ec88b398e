using System.Security.Cryptography;
using Pforte.Core.Accounts;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Common.Keys;
using Pforte.Core.Mailbox;
using Pforte.Keys.Pkcs11;
using Pforte.Testing;

namespace Pforte.Core.Tests.Keys;

/// <summary>The HSM key store against a real SoftHSM2 token (ADR 0029).</summary>
public sealed class Pkcs11KeyStoreTests : IDisposable
{
    private readonly string _prefix = SoftHsm.NewPrefix();
    private readonly Pkcs11KeyStore _store;

    public Pkcs11KeyStoreTests() => _store = SoftHsm.Open(_prefix);

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Every_purpose_gets_a_first_key_generated_in_the_token_and_no_key_value_can_be_read()
    {
        foreach (var purpose in new[] { KeyPurpose.CodeHash, KeyPurpose.LetterSeal, KeyPurpose.ContentWrap, KeyPurpose.AccountSecret })
        {
            Assert.Equal(1, _store.Current(purpose).Version);
        }
        _store.Rotate(KeyPurpose.CodeHash);
        var objects = _store.DescribeObjects();
        Assert.Equal(5, objects.Count);
        Assert.All(objects, o =>
        {
            Assert.StartsWith(_prefix, o.Label, StringComparison.Ordinal);
            Assert.True(o.Sensitive);
            Assert.False(o.Extractable);
            Assert.False(o.ValueReadable); // CKA_VALUE cannot be read: the material never leaves the token
        });
        Assert.True(_store.CheckReadable());
    }

    [Fact]
    public void Codes_hash_and_match_seals_open_and_a_changed_seal_or_other_letter_does_not()
    {
        var hasher = new CodeHasher(_store);
        var person = Guid.CreateVersion7();
        var hash = hasher.Hash(person, "7405");
        Assert.True(hasher.Matches(person, "7405", hash.Hash, hash.KeyVersion));
        Assert.False(hasher.Matches(person, "7406", hash.Hash, hash.KeyVersion));
        Assert.False(hasher.Matches(Guid.CreateVersion7(), "7405", hash.Hash, hash.KeyVersion));
        Assert.False(hasher.Matches(person, "7405", null, 0));
        Assert.False(hasher.Matches(person, "7405", hash.Hash, 99));

        var sealer = new CodeSealer(_store);
        var letter = Guid.CreateVersion7();
        var sealedCode = sealer.Seal(letter, "7405");
        Assert.Equal("7405", sealer.Unseal(letter, sealedCode));
        Assert.ThrowsAny<CryptographicException>(() => sealer.Unseal(Guid.CreateVersion7(), sealedCode));
        sealedCode[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => sealer.Unseal(letter, sealedCode));
        Assert.Equal("7405", sealer.Unseal(letter, sealer.Seal(letter, "7405"))); // the pool's session survived the refusal

        var secrets = new SecretSealer(_store);
        var account = Guid.CreateVersion7();
        Assert.Equal("geheim"u8.ToArray(), secrets.Unseal(account, secrets.Seal(account, "geheim"u8)));
        Assert.ThrowsAny<CryptographicException>(() => secrets.Unseal(Guid.CreateVersion7(), secrets.Seal(account, "geheim"u8)));

        var cipher = new ContentCipher(_store);
        var key = cipher.NewDataKey();
        var text = cipher.EncryptText(key.Key, "Guten Tag", ContentCipher.Bind(letter, "body"));
        _store.Rotate(KeyPurpose.ContentWrap);
        var rewrapped = cipher.Rewrap(key.Wrapped);
        Assert.Equal(2, ContentCipher.WrapVersion(rewrapped));
        using var opened = cipher.Unwrap(rewrapped);
        Assert.Equal("Guten Tag", cipher.DecryptText(opened, text, ContentCipher.Bind(letter, "body")));
    }

    [Fact]
    public void A_rotation_by_another_process_is_seen_old_hashes_still_verify_and_the_newest_key_is_never_retired()
    {
        var hasher = new CodeHasher(_store);
        var person = Guid.CreateVersion7();
        var old = hasher.Hash(person, "7405");
        using (var cli = SoftHsm.Open(_prefix))
        {
            Assert.Equal(2, cli.Rotate(KeyPurpose.CodeHash).Version);
        }
        // The web node asked for the unknown version 2 would look it up at once; the current key follows within RefreshSeconds.
        Assert.NotNull(_store.Find(KeyPurpose.CodeHash, 2));
        Assert.Equal(2, _store.Current(KeyPurpose.CodeHash).Version);
        Assert.True(hasher.Matches(person, "7405", old.Hash, old.KeyVersion));
        Assert.True(hasher.NeedsRekey(old.KeyVersion));
        Assert.Equal(2, hasher.Hash(person, "7405").KeyVersion);

        Assert.False(_store.Retire(KeyPurpose.CodeHash, 2));
        Assert.True(_store.Retire(KeyPurpose.CodeHash, 1));
        Assert.Null(_store.Find(KeyPurpose.CodeHash, 1));
        Assert.False(hasher.Matches(person, "7405", old.Hash, old.KeyVersion));
        Assert.Equal([2], _store.All(KeyPurpose.CodeHash).Select(k => k.Version));
    }

    [Fact]
    public async Task Many_parallel_verifications_through_the_pool_give_the_same_answers_as_the_file_ring()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pforte-keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            var file = new CodeHasher(new FileKeyRing(Path.Combine(dir, "keyring.json"), TimeProvider.System));
            var hsm = new CodeHasher(_store);
            var cases = Enumerable.Range(0, 200).Select(i => (Person: Guid.CreateVersion7(), Code: (1000 + i * 37 % 9000).ToString("D4"))).ToList();
            var stored = cases.Select(c => (File: file.Hash(c.Person, c.Code), Hsm: hsm.Hash(c.Person, c.Code))).ToList();
            var tries = Enumerable.Range(0, 2000).Select(n => (Case: n % cases.Count, Code: n % 3 == 0 ? cases[n % cases.Count].Code : "0000")).ToList();
            var fileAnswers = tries.Select(t => file.Matches(cases[t.Case].Person, t.Code, stored[t.Case].File.Hash, stored[t.Case].File.KeyVersion)).ToList();
            var hsmAnswers = new bool[tries.Count];
            await Parallel.ForAsync(0, tries.Count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, (n, _) =>
            {
                var t = tries[n];
                hsmAnswers[n] = hsm.Matches(cases[t.Case].Person, t.Code, stored[t.Case].Hsm.Hash, stored[t.Case].Hsm.KeyVersion);
                return ValueTask.CompletedTask;
            });
            Assert.Equal(fileAnswers, hsmAnswers);
            Assert.Equal(tries.Count(t => t.Code == cases[t.Case].Code), hsmAnswers.Count(a => a));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Lost_sessions_are_reopened_and_the_operation_answers()
    {
        // Closing every session of the process on a token would disturb the other tests: a token of its own.
        var options = SoftHsm.Options(_prefix, SoftHsm.OutageTokenLabel);
        using var store = Pkcs11KeyStore.Open(options, SoftHsm.PinFile, TimeProvider.System);
        var hasher = new CodeHasher(store);
        var person = Guid.CreateVersion7();
        var hash = hasher.Hash(person, "7405");
        store.CloseAllSessionsOfTheToken();
        Assert.True(hasher.Matches(person, "7405", hash.Hash, hash.KeyVersion));
        store.CloseAllSessionsOfTheToken();
        var sealer = new CodeSealer(store);
        var letter = Guid.CreateVersion7();
        Assert.Equal("7405", sealer.Unseal(letter, sealer.Seal(letter, "7405")));
        store.CloseAllSessionsOfTheToken();
        Assert.True(store.CheckReadable());
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused_with_a_code_and_never_the_pin()
    {
        Assert.Equal(ErrorCodes.HsmLibraryNotLoadable, Refusal(SoftHsm.Options(_prefix) is var o1 ? With(o1, l: "/nonexistent/libpkcs11.so") : null!, SoftHsm.PinFile).Code);
        Assert.Equal(ErrorCodes.HsmTokenNotFound, Refusal(SoftHsm.Options(_prefix, "no-such-token"), SoftHsm.PinFile).Code);
        var wrong = Refusal(SoftHsm.Options(_prefix, SoftHsm.LockedTokenLabel), SoftHsm.WrongPinFile);
        Assert.Equal(ErrorCodes.HsmLoginFailed, wrong.Code);
        Assert.DoesNotContain("0000-0000", wrong.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.HsmPinFileInvalid, Refusal(SoftHsm.Options(_prefix), "/nonexistent/pin").Code);
        var open = Path.Combine(SoftHsm.Directory, "pin-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(open, "1234-5678");
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Equal(ErrorCodes.HsmPinFileInvalid, Refusal(SoftHsm.Options(_prefix), open).Code);
        Assert.Equal(ErrorCodes.HsmSettingMissing, Refusal(With(SoftHsm.Options(_prefix), l: ""), SoftHsm.PinFile).Code);
        Assert.All(new[] { ErrorCodes.HsmLibraryNotLoadable, ErrorCodes.HsmLoginFailed }, c => Assert.NotEmpty(new Error(c, "x").MessageIn(ErrorTexts.English)));
    }

    private static Pkcs11KeyOptions With(Pkcs11KeyOptions options, string l)
    {
        options.Library = l;
        return options;
    }

    private static Error Refusal(Pkcs11KeyOptions options, string pinFile) =>
        Assert.Throws<KeyStoreException>(() => Pkcs11KeyStore.Open(options, pinFile, TimeProvider.System).Dispose()).Error;
}
