using System.Security.Cryptography;
using Pforte.Core.Common.Keys;

namespace Pforte.Core.AuthCodes;

public readonly record struct CodeHash(byte[] Hash, int KeyVersion);

/// <summary>
/// <c>HMAC-SHA256(key_v, person-id ‖ code)</c> (security.md). Slow hashing cannot protect 10,000 values; a key kept
/// outside the database can: a stolen database without the key ring reveals nothing. The person id in the input
/// makes equal codes of different persons hash differently.
/// </summary>
public sealed class CodeHasher(IKeyStore keys)
{
    public const int HashSize = 32;

    /// <summary>Used when there is no stored hash, so that every failure costs the same HMAC work.</summary>
    private static readonly byte[] DecoyHash = RandomNumberGenerator.GetBytes(HashSize);

    public CodeHash Hash(Guid personId, ReadOnlySpan<char> code)
    {
        var version = keys.Current(KeyPurpose.CodeHash).Version;
        var hash = new byte[HashSize];
        if (!Compute(version, personId, code, hash))
        {
            throw new System.Security.Cryptography.CryptographicException($"Code key {version} is not in the key store.");
        }
        return new CodeHash(hash, version);
    }

    /// <summary>
    /// Constant-time comparison. With no stored hash (unknown person, no code) the HMAC is still computed against a
    /// decoy so that the failure takes as long as a wrong code. A hash under an unknown (retired) key never matches.
    /// </summary>
    public bool Matches(Guid personId, ReadOnlySpan<char> code, byte[]? storedHash, int keyVersion)
    {
        Span<byte> computed = stackalloc byte[HashSize];
        var known = storedHash is not null && Compute(keyVersion, personId, code, computed);
        if (!known)
        {
            // No stored hash, or its key is unknown (retired): the same HMAC work under the current key, against a decoy.
            Compute(keys.Current(KeyPurpose.CodeHash).Version, personId, code, computed);
        }
        var equal = CryptographicOperations.FixedTimeEquals(computed, known ? storedHash : DecoyHash);
        return equal && known;
    }

    /// <summary>True when a hash was made with an older key and should be re-keyed at this successful check.</summary>
    public bool NeedsRekey(int keyVersion) => keyVersion != keys.Current(KeyPurpose.CodeHash).Version;

    private bool Compute(int version, Guid personId, ReadOnlySpan<char> code, Span<byte> output)
    {
        Span<byte> input = stackalloc byte[16 + 8];
        personId.TryWriteBytes(input[..16], bigEndian: true, out _);
        var length = 0;
        foreach (var c in code)
        {
            if (length == 8)
            {
                break;
            }
            input[16 + length++] = (byte)c;
        }
        return keys.TryHmacSha256(KeyPurpose.CodeHash, version, input[..(16 + length)], output);
    }
}
