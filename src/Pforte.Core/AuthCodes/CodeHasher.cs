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
        var key = keys.Current(KeyPurpose.CodeHash);
        return new CodeHash(Compute(key.Material, personId, code), key.Version);
    }

    /// <summary>
    /// Constant-time comparison. With no stored hash (unknown person, no code) the HMAC is still computed against a
    /// decoy so that the failure takes as long as a wrong code. A hash under an unknown (retired) key never matches.
    /// </summary>
    public bool Matches(Guid personId, ReadOnlySpan<char> code, byte[]? storedHash, int keyVersion)
    {
        var key = storedHash is null ? keys.Current(KeyPurpose.CodeHash) : keys.Find(KeyPurpose.CodeHash, keyVersion);
        var computed = Compute((key ?? keys.Current(KeyPurpose.CodeHash)).Material, personId, code);
        var equal = CryptographicOperations.FixedTimeEquals(computed, storedHash ?? DecoyHash);
        return equal && storedHash is not null && key is not null;
    }

    /// <summary>True when a hash was made with an older key and should be re-keyed at this successful check.</summary>
    public bool NeedsRekey(int keyVersion) => keyVersion != keys.Current(KeyPurpose.CodeHash).Version;

    private static byte[] Compute(byte[] key, Guid personId, ReadOnlySpan<char> code)
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
        Span<byte> output = stackalloc byte[HashSize];
        HMACSHA256.HashData(key, input[..(16 + length)], output);
        return output.ToArray();
    }
}
