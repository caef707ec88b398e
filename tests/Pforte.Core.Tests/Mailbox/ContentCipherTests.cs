using System.Security.Cryptography;
using System.Text;
using Pforte.Core.Common.Keys;
using Pforte.Core.Mailbox;

namespace Pforte.Core.Tests.Mailbox;

public sealed class ContentCipherTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pforte-cipher-" + Guid.NewGuid().ToString("N"));

    private FileKeyRing Ring() => new(Path.Combine(_dir, "keyring.json"), TimeProvider.System);

    [Fact]
    public void Content_opens_only_with_its_row_and_field_and_a_rewrap_keeps_it_readable()
    {
        var ring = Ring();
        var cipher = new ContentCipher(ring);
        var row = Guid.CreateVersion7();
        var created = cipher.NewDataKey();
        byte[] ciphertext;
        using (created.Key)
        {
            ciphertext = cipher.EncryptText(created.Key, "Befund: vertraulich", ContentCipher.Bind(row, "message.body"));
        }
        Assert.DoesNotContain("vertraulich", Encoding.UTF8.GetString(ciphertext), StringComparison.Ordinal);
        Assert.Equal(ContentCipher.WrappedKeySize, created.Wrapped.Length);
        Assert.Equal(1, ContentCipher.WrapVersion(created.Wrapped));

        using (var key = cipher.Unwrap(created.Wrapped))
        {
            Assert.Equal("Befund: vertraulich", cipher.DecryptText(key, ciphertext, ContentCipher.Bind(row, "message.body")));
            // Copied to another row, or read as another field: does not open.
            Assert.ThrowsAny<CryptographicException>(() => cipher.DecryptText(key, ciphertext, ContentCipher.Bind(Guid.CreateVersion7(), "message.body")));
            Assert.ThrowsAny<CryptographicException>(() => cipher.DecryptText(key, ciphertext, ContentCipher.Bind(row, "thread.subject")));
            var tampered = (byte[])ciphertext.Clone();
            tampered[^1] ^= 1;
            Assert.ThrowsAny<CryptographicException>(() => cipher.DecryptText(key, tampered, ContentCipher.Bind(row, "message.body")));
        }
        // Another data key does not open it either.
        using (var other = cipher.NewDataKey().Key)
        {
            Assert.ThrowsAny<CryptographicException>(() => cipher.DecryptText(other, ciphertext, ContentCipher.Bind(row, "message.body")));
        }

        ring.Rotate(KeyPurpose.ContentWrap);
        var rewrapped = cipher.Rewrap(created.Wrapped);
        Assert.Equal(2, ContentCipher.WrapVersion(rewrapped));
        Assert.Same(rewrapped, cipher.Rewrap(rewrapped));
        Assert.True(ring.Retire(KeyPurpose.ContentWrap, 1));
        Assert.ThrowsAny<CryptographicException>(() => cipher.Unwrap(created.Wrapped));
        using (var key = cipher.Unwrap(rewrapped))
        {
            Assert.Equal("Befund: vertraulich", cipher.DecryptText(key, ciphertext, ContentCipher.Bind(row, "message.body")));
        }
        Assert.ThrowsAny<CryptographicException>(() => cipher.Unwrap(new byte[10]));
    }

    [Fact]
    public void A_key_ring_from_before_the_content_wrap_purpose_gets_its_first_key_and_keeps_the_others()
    {
        var ring = Ring();
        var person = Guid.CreateVersion7();
        var hash = new Pforte.Core.AuthCodes.CodeHasher(ring).Hash(person, "7405");
        var path = ring.FilePath;
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.True(json.Remove("content_wrap"));
        File.WriteAllText(path, json.ToJsonString());

        var upgraded = Ring();
        Assert.True(new Pforte.Core.AuthCodes.CodeHasher(upgraded).Matches(person, "7405", hash.Hash, hash.KeyVersion));
        Assert.Equal(1, upgraded.Current(KeyPurpose.ContentWrap).Version);
        Assert.Contains("content_wrap", File.ReadAllText(path), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
