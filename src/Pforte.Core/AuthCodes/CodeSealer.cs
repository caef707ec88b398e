using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Pforte.Core.Common.Keys;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// Seals a new code inside its pending letter with AES-GCM under a letter key that is separate from the hash key.
/// The letter id is bound as associated data, so a sealed code copied to another letter does not open.
/// Layout: key version (4) ‖ nonce (12) ‖ ciphertext (4, or 12 for a portal activation code) ‖ tag (16).
/// </summary>
public sealed class CodeSealer(IKeyStore keys)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int CodeLength = 4;

    /// <summary>The activation code of a portal activation letter (Accounts/ActivationCode) is sealed the same way.</summary>
    private const int ActivationCodeLength = 12;

    private static bool IsSealable(int length) => length is CodeLength or ActivationCodeLength;

    public byte[] Seal(Guid letterId, string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (!IsSealable(code.Length))
        {
            throw new ArgumentException("A code has four digits (an activation code twelve characters).", nameof(code));
        }
        var key = keys.Current(KeyPurpose.LetterSeal);
        var length = code.Length;
        var sealedCode = new byte[4 + NonceSize + length + TagSize];
        BinaryPrimitives.WriteInt32BigEndian(sealedCode, key.Version);
        var nonce = sealedCode.AsSpan(4, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> plain = stackalloc byte[length];
        Encoding.ASCII.GetBytes(code, plain);
        keys.Encrypt(KeyPurpose.LetterSeal, key.Version, nonce, plain, sealedCode.AsSpan(4 + NonceSize, length), sealedCode.AsSpan(4 + NonceSize + length, TagSize),
            letterId.ToByteArray(bigEndian: true));
        CryptographicOperations.ZeroMemory(plain);
        return sealedCode;
    }

    /// <summary>Opens a seal; only the print hand-over calls this. Throws on a tampered or misplaced seal.</summary>
    public string Unseal(Guid letterId, byte[] sealedCode)
    {
        ArgumentNullException.ThrowIfNull(sealedCode);
        var length = sealedCode.Length - 4 - NonceSize - TagSize;
        if (!IsSealable(length))
        {
            throw new CryptographicException("Sealed code has the wrong length.");
        }
        var version = BinaryPrimitives.ReadInt32BigEndian(sealedCode);
        Span<byte> plain = stackalloc byte[length];
        keys.Decrypt(KeyPurpose.LetterSeal, version, sealedCode.AsSpan(4, NonceSize), sealedCode.AsSpan(4 + NonceSize, length), sealedCode.AsSpan(4 + NonceSize + length, TagSize), plain, letterId.ToByteArray(bigEndian: true));
        var code = Encoding.ASCII.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return code;
    }
}
