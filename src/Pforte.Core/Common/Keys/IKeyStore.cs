namespace Pforte.Core.Common.Keys;

public enum KeyPurpose
{
    /// <summary>HMAC keys for authentication codes: a stolen database without them reveals nothing.</summary>
    CodeHash = 1,

    /// <summary>AES-GCM keys that seal a new code inside its pending letter until the print hand-over.</summary>
    LetterSeal = 2,

    /// <summary>AES-GCM keys that wrap the per-item data keys of mailbox content at rest (ADR 0019).</summary>
    ContentWrap = 3,
}

public sealed record KeyVersion(int Version, byte[] Material, DateTimeOffset CreatedAt);

/// <summary>
/// Where secret keys live: outside the database. The embedded default is a key-ring file (<see cref="FileKeyRing"/>);
/// an HSM (PKCS#11) or a vault can stand behind the same interface.
/// </summary>
public interface IKeyStore
{
    /// <summary>The newest key of a purpose: new hashes and seals use it.</summary>
    KeyVersion Current(KeyPurpose purpose);

    /// <summary>An older key, to check an old hash or open an old seal; null when unknown or retired.</summary>
    KeyVersion? Find(KeyPurpose purpose, int version);

    /// <summary>Adds a new newest key and returns it.</summary>
    KeyVersion Rotate(KeyPurpose purpose);

    /// <summary>Removes a key that no hash or seal uses any more.</summary>
    bool Retire(KeyPurpose purpose, int version);

    IReadOnlyList<KeyVersion> All(KeyPurpose purpose);
}
