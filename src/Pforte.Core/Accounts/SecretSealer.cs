using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Pforte.Core.Common.Keys;

namespace Pforte.Core.Accounts;

/// <summary>
/// Seals account secrets (the authenticator app's key) with AES-GCM so that the database never holds them in clear
/// (security.md). The key is derived with HKDF-SHA256 from the current letter-seal key with a purpose label of its own,
/// so it is a different key from the one that seals codes in letters, yet lives in the same key ring outside the
/// database. The account id is bound as associated data: a sealed secret copied to another account does not open.
/// Layout: key version (4) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
/// </summary>
public sealed class SecretSealer(IKeyStore keys)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("pforte/portal-account-secret/v1");

    public byte[] Seal(Guid accountId, ReadOnlySpan<byte> secret)
    {
        var key = keys.Current(KeyPurpose.LetterSeal);
        var output = new byte[4 + NonceSize + secret.Length + TagSize];
        BinaryPrimitives.WriteInt32BigEndian(output, key.Version);
        var nonce = output.AsSpan(4, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> derived = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key.Material, derived, salt: [], Purpose);
        using (var aes = new AesGcm(derived, TagSize))
        {
            aes.Encrypt(nonce, secret, output.AsSpan(4 + NonceSize, secret.Length), output.AsSpan(4 + NonceSize + secret.Length, TagSize), accountId.ToByteArray(bigEndian: true));
        }
        CryptographicOperations.ZeroMemory(derived);
        return output;
    }

    public byte[] Unseal(Guid accountId, byte[] sealedSecret)
    {
        ArgumentNullException.ThrowIfNull(sealedSecret);
        if (sealedSecret.Length < 4 + NonceSize + TagSize)
        {
            throw new CryptographicException("Sealed secret is too short.");
        }
        var version = BinaryPrimitives.ReadInt32BigEndian(sealedSecret);
        var key = keys.Find(KeyPurpose.LetterSeal, version) ?? throw new CryptographicException($"Letter key {version} is not in the key ring.");
        var length = sealedSecret.Length - 4 - NonceSize - TagSize;
        var plain = new byte[length];
        Span<byte> derived = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key.Material, derived, salt: [], Purpose);
        using (var aes = new AesGcm(derived, TagSize))
        {
            aes.Decrypt(sealedSecret.AsSpan(4, NonceSize), sealedSecret.AsSpan(4 + NonceSize, length), sealedSecret.AsSpan(4 + NonceSize + length, TagSize), plain, accountId.ToByteArray(bigEndian: true));
        }
        CryptographicOperations.ZeroMemory(derived);
        return plain;
    }
}
