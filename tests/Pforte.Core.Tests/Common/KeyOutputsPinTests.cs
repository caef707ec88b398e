using Pforte.Core.Accounts;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common.Keys;
using Pforte.Core.Mailbox;

namespace Pforte.Core.Tests.Common;

/// <summary>
/// Pins the outputs of the key-ring file store for a fixed ring, as they were before the key operations moved behind
/// <see cref="IKeyStore"/> (ADR 0029): hashes, sealed codes, sealed account secrets and wrapped data keys that existing
/// databases hold must still verify and open.
/// </summary>
public sealed class KeyOutputsPinTests : IDisposable
{
    private const string FixedRing = """
        {
          "code_hash": [ { "version": 1, "key": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=", "created_at": "2026-11-28T09:00:00+00:00" } ],
          "letter_seal": [ { "version": 1, "key": "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=", "created_at": "2026-11-28T09:00:00+00:00" } ],
          "content_wrap": [ { "version": 1, "key": "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=", "created_at": "2026-11-28T09:00:00+00:00" } ]
        }
        """;

    private static readonly Guid Person = Guid.Parse("0193a1f2-7c4e-7d21-9a6b-3f2e1d0c4b5a");
    private static readonly Guid Letter = Guid.Parse("0193a1f2-7c4e-7d21-9a6b-3f2e1d0c4b5b");
    private static readonly Guid Account = Guid.Parse("0193a1f2-7c4e-7d21-9a6b-3f2e1d0c4b5c");

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pforte-pin-" + Guid.NewGuid().ToString("N"));
    private readonly FileKeyRing _ring;

    public KeyOutputsPinTests()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "keyring.json");
        File.WriteAllText(path, FixedRing);
        _ring = new FileKeyRing(path, TimeProvider.System);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_code_hash_is_the_same_as_before()
    {
        var hasher = new CodeHasher(_ring);
        Assert.Equal("D9930D56FCD3006E1C4E99F09F836D93EC784FD49D448B1A296D3577BB28222A", Convert.ToHexString(hasher.Hash(Person, "7405").Hash));
        Assert.True(hasher.Matches(Person, "7405", Convert.FromHexString("D9930D56FCD3006E1C4E99F09F836D93EC784FD49D448B1A296D3577BB28222A"), 1));
    }

    [Fact]
    public void Codes_sealed_before_still_open()
    {
        var sealer = new CodeSealer(_ring);
        Assert.Equal("7405", sealer.Unseal(Letter, Convert.FromHexString("00000001B21681829832D8FD4F22879102F0489B209F37472BE7F6A39B2EE968530C5EF4")));
        Assert.Equal("ABCD-EFGH-JK", sealer.Unseal(Letter,
            Convert.FromHexString("000000016279F1AAB222617ED5FAFDC570E8954611EBA753A21FBF01A073254C7090BBF39E4482614DDDFAE4")));
    }

    [Fact]
    public void Account_secrets_sealed_before_still_open()
    {
        var sealer = new SecretSealer(_ring);
        Assert.Equal("totp-secret-bytes"u8.ToArray(), sealer.Unseal(Account,
            Convert.FromHexString("000000012B502790F0CE7154F49F07FC9A4A72C4B7871CC5B861FE438E6531F3BACBF524491BEC9A255EE0C8974F07D7DC")));
    }

    [Fact]
    public void Data_keys_wrapped_before_still_open_and_decrypt_their_content()
    {
        var cipher = new ContentCipher(_ring);
        using var key = cipher.Unwrap(Convert.FromHexString(
            "000000013DB8D32A5D6DC131824B9B3D3E029950585219E9D9DF1D1D24977295CD95B0211B59A02145DAF6C37F7BCDE9DF5EDBB5A7CF5C801A9647E32A2A888B"));
        Assert.Equal("Guten Tag", cipher.DecryptText(key,
            Convert.FromHexString("6FD18E08CE2E0482FE9DA3A4B95C71C0569F57CFE83F08AEE324B5D62FB57FDCF82C1A3510"), ContentCipher.Bind(Letter, "body")));
    }
}
