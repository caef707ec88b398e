using System.Security.Cryptography;
using System.Text;

namespace Pforte.Core.Clients;

/// <summary>
/// API keys look like <c>pf_{keyId}_{secret}</c>. The key id is public and finds the row; the 256-bit secret makes
/// the key unguessable, so a fast SHA-256 is the right storage hash (a slow hash protects low-entropy passwords,
/// not random keys, and would cost every request). Only the hash is stored; the key is shown once.
/// </summary>
public static class ApiKeys
{
    private const string Prefix = "pf_";
    private const int KeyIdLength = 12;

    public static (string KeyId, string Key) Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        // Hex, not base64url: base64url contains "_", the separator, which would make the key ambiguous to split.
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Extracts the key id; false for anything that is not shaped like one of our keys.</summary>
    public static bool TryGetKeyId(string key, out string keyId)
    {
        keyId = "";
        if (key.Length is < 20 or > 200 || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var end = key.IndexOf('_', Prefix.Length);
        if (end != Prefix.Length + KeyIdLength)
        {
            return false;
        }
        keyId = key.Substring(Prefix.Length, KeyIdLength);
        return true;
    }

    public static bool Matches(string key, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(key), storedHash);
}
