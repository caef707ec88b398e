namespace Pforte.Core.Common.Keys;

public enum KeyPurpose
{
    /// <summary>HMAC keys for authentication codes: a stolen database without them reveals nothing.</summary>
    CodeHash = 1,

    /// <summary>AES-GCM keys that seal a new code inside its pending letter until the print hand-over.</summary>
    LetterSeal = 2,

    /// <summary>AES-GCM keys that wrap the per-item data keys of mailbox content at rest (ADR 0019).</summary>
    ContentWrap = 3,

    /// <summary>
    /// AES-GCM keys that seal portal account secrets (the authenticator app's key). In the key-ring file they are derived
    /// (HKDF-SHA256) from the letter-seal key of the same version, as before ADR 0029; in an HSM they are keys of their own.
    /// </summary>
    AccountSecret = 4,
}

/// <summary>A key's version and age; never its material (ADR 0029: the material may live in an HSM and never leave it).</summary>
public sealed record KeyVersion(int Version, DateTimeOffset CreatedAt);

/// <summary>
/// Where secret keys live: outside the database. The embedded default is a key-ring file (<see cref="FileKeyRing"/>);
/// an HSM (PKCS#11, project Pforte.Keys.Pkcs11) stands behind the same interface. Callers never get key material: they
/// ask the store to compute an HMAC or to encrypt/decrypt with AES-256-GCM under a key of a purpose and version.
/// </summary>
public interface IKeyStore
{
    /// <summary>The newest key of a purpose: new hashes and seals use it.</summary>
    KeyVersion Current(KeyPurpose purpose);

    /// <summary>An older key, to check an old hash or open an old seal; null when unknown or retired.</summary>
    KeyVersion? Find(KeyPurpose purpose, int version);

    /// <summary>Adds a new newest key and returns it.</summary>
    KeyVersion Rotate(KeyPurpose purpose);

    /// <summary>Removes a key that no hash or seal uses any more (never the newest).</summary>
    bool Retire(KeyPurpose purpose, int version);

    IReadOnlyList<KeyVersion> All(KeyPurpose purpose);

    /// <summary>
    /// HMAC-SHA256 of <paramref name="data"/> under the key (purpose, version) into <paramref name="mac"/> (32 bytes).
    /// False (and nothing written) when that version is unknown or retired.
    /// </summary>
    bool TryHmacSha256(KeyPurpose purpose, int version, ReadOnlySpan<byte> data, Span<byte> mac);

    /// <summary>
    /// AES-256-GCM: encrypts <paramref name="plain"/> into <paramref name="cipher"/> (same length) and a 16-byte
    /// <paramref name="tag"/>, binding <paramref name="associatedData"/>. Throws <see cref="System.Security.Cryptography.CryptographicException"/>
    /// when the version is unknown.
    /// </summary>
    void Encrypt(KeyPurpose purpose, int version, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plain, Span<byte> cipher, Span<byte> tag,
        ReadOnlySpan<byte> associatedData);

    /// <summary>
    /// AES-256-GCM: decrypts and checks the tag. Throws <see cref="System.Security.Cryptography.CryptographicException"/> when the
    /// version is unknown or the ciphertext, tag or associated data do not match.
    /// </summary>
    void Decrypt(KeyPurpose purpose, int version, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> tag, Span<byte> plain,
        ReadOnlySpan<byte> associatedData);
}
