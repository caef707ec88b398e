using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Pforte.Core.Common.Keys;

namespace Pforte.Core.Accounts;

/// <summary>
/// Seals account secrets (the authenticator app's key) with AES-GCM so that the database never holds them in clear
/// (security.md), under the key store's <see cref="KeyPurpose.AccountSecret"/> key (ADR 0029): in the key-ring file that key
/// is derived with HKDF-SHA256 from the letter-seal key of the same version (as before), in an HSM it is a key of its own. The account id is bound as associated data: a sealed secret copied to another account does not open.
/// Layout: key version (4) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
/// </summary>
public sealed class SecretSealer(IKeyStore keys)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public byte[] Seal(Guid accountId, ReadOnlySpan<byte> secret)
    {
        var key = keys.Current(KeyPurpose.AccountSecret);
        var output = new byte[4 + NonceSize + secret.Length + TagSize];
        BinaryPrimitives.WriteInt32BigEndian(output, key.Version);
        var nonce = output.AsSpan(4, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        keys.Encrypt(KeyPurpose.AccountSecret, key.Version, nonce, secret, output.AsSpan(4 + NonceSize, secret.Length), output.AsSpan(4 + NonceSize + secret.Length, TagSize),
            accountId.ToByteArray(bigEndian: true));
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
        var length = sealedSecret.Length - 4 - NonceSize - TagSize;
        var plain = new byte[length];
        keys.Decrypt(KeyPurpose.AccountSecret, version, sealedSecret.AsSpan(4, NonceSize), sealedSecret.AsSpan(4 + NonceSize, length),
            sealedSecret.AsSpan(4 + NonceSize + length, TagSize), plain, accountId.ToByteArray(bigEndian: true));
        return plain;
    }
}
