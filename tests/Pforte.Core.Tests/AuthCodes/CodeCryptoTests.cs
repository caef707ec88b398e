using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common.Keys;

namespace Pforte.Core.Tests.AuthCodes;

public sealed class CodeCryptoTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pforte-keys-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    private FileKeyRing Ring() => new(Path.Combine(_dir, "keyring.json"), _clock);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void The_key_ring_file_is_created_with_mode_0600()
    {
        var ring = Ring();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ring.FilePath));
        Assert.Equal(1, ring.Current(KeyPurpose.CodeHash).Version);
        var data = "same input"u8;
        Span<byte> codeMac = stackalloc byte[32];
        Span<byte> letterMac = stackalloc byte[32];
        Assert.True(ring.TryHmacSha256(KeyPurpose.CodeHash, 1, data, codeMac));
        Assert.True(ring.TryHmacSha256(KeyPurpose.LetterSeal, 1, data, letterMac));
        Assert.False(codeMac.SequenceEqual(letterMac));
    }

    [Fact]
    public void A_second_process_sees_a_rotation_and_old_hashes_still_verify()
    {
        var first = Ring();
        var hasher = new CodeHasher(first);
        var person = Guid.CreateVersion7();
        var old = hasher.Hash(person, "7405");

        var second = Ring(); // another process on the same file
        var rotated = second.Rotate(KeyPurpose.CodeHash);
        Assert.Equal(2, rotated.Version);

        Assert.True(hasher.Matches(person, "7405", old.Hash, old.KeyVersion));
        Assert.Equal(2, new CodeHasher(Ring()).Hash(person, "7405").KeyVersion);
        Assert.True(new CodeHasher(Ring()).NeedsRekey(old.KeyVersion));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.FilePath));
    }

    [Fact]
    public void The_hash_depends_on_person_code_and_key()
    {
        var hasher = new CodeHasher(Ring());
        var a = Guid.CreateVersion7();
        var b = Guid.CreateVersion7();
        var h = hasher.Hash(a, "7405");
        Assert.True(hasher.Matches(a, "7405", h.Hash, h.KeyVersion));
        Assert.False(hasher.Matches(a, "7406", h.Hash, h.KeyVersion));
        Assert.False(hasher.Matches(b, "7405", h.Hash, h.KeyVersion));
        Assert.NotEqual(h.Hash, hasher.Hash(b, "7405").Hash);
        Assert.False(hasher.Matches(a, "7405", null, 1));

        // A different key ring (a database thief's guess at the key) cannot confirm the code.
        var otherDir = Path.Combine(_dir, "other");
        var thief = new CodeHasher(new FileKeyRing(Path.Combine(otherDir, "keyring.json"), _clock));
        Assert.False(thief.Matches(a, "7405", h.Hash, h.KeyVersion));
    }

    [Fact]
    public void A_sealed_code_opens_only_for_its_own_letter_and_hides_the_digits()
    {
        var sealer = new CodeSealer(Ring());
        var letter = Guid.CreateVersion7();
        var sealedCode = sealer.Seal(letter, "7405");
        Assert.Equal("7405", sealer.Unseal(letter, sealedCode));
        Assert.DoesNotContain("7405", System.Text.Encoding.ASCII.GetString(sealedCode), StringComparison.Ordinal);
        Assert.ThrowsAny<CryptographicException>(() => sealer.Unseal(Guid.CreateVersion7(), sealedCode));
        sealedCode[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => sealer.Unseal(letter, sealedCode));
    }

    [Fact]
    public void Generated_codes_are_never_weak_and_cover_the_allowed_space()
    {
        var person = new PersonFacts(new DateOnly(1984, 7, 23), "35037", "17", "X110411675", "80276883110004817263");
        var generator = new CodeGenerator();
        var seen = new HashSet<string>();
        for (var i = 0; i < 60_000; i++)
        {
            var code = generator.Generate(person);
            Assert.Null(WeakCodes.Check(code, person));
            seen.Add(code);
        }
        var allowed = Enumerable.Range(0, 10_000).Select(n => n.ToString("D4")).Count(c => WeakCodes.Check(c, person) is null);
        // 60,000 uniform draws over ~8,700 values miss a given value with probability e^-6.9 ≈ 0.1 %.
        Assert.InRange(seen.Count, allowed * 0.99, allowed);
    }
}
