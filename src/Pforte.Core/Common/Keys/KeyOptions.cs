namespace Pforte.Core.Common.Keys;

/// <summary><c>Pforte:Keys</c>. The keys live outside the database: a thief of the database must not get them too.</summary>
public sealed class KeyOptions
{
    public const string Section = "Pforte:Keys";

    /// <summary>The key-ring file store (the default).</summary>
    public const string FileProvider = "File";

    /// <summary>An HSM through its PKCS#11 module (ADR 0029, docs/hsm.md).</summary>
    public const string Pkcs11Provider = "Pkcs11";

    /// <summary>
    /// Where the keys live: <c>File</c> (a key-ring file, <see cref="Path"/>) or <c>Pkcs11</c> (an HSM, <see cref="Pkcs11"/>; the keys
    /// are generated inside the token and never leave it). Web and CLI must use the same store.
    /// </summary>
    public string Provider { get; set; } = FileProvider;

    /// <summary>
    /// Path of the key-ring file (created with mode 0600 on first use); a relative path is taken from the data directory
    /// (<c>Pforte:DataDirectory</c>). Back it up separately from the database. Only with <c>Provider = File</c>.
    /// </summary>
    public string Path { get; set; } = "keys/keyring.json";

    /// <summary>The HSM, with <c>Provider = Pkcs11</c>.</summary>
    public Pkcs11KeyOptions Pkcs11 { get; set; } = new();
}

/// <summary><c>Pforte:Keys:Pkcs11</c>: the HSM's PKCS#11 module, token and PIN (docs/hsm.md).</summary>
public sealed class Pkcs11KeyOptions
{
    /// <summary>Path of the HSM vendor's PKCS#11 module (a <c>.so</c>), e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c> for a trial.</summary>
    public string Library { get; set; } = "";

    /// <summary>Label of the token (partition) that holds Pforte's keys. All nodes of a cluster use the same token.</summary>
    public string TokenLabel { get; set; } = "";

    /// <summary>
    /// File holding the user PIN of the token (one line), owned by the service account with mode 0600; a relative path is
    /// taken from the data directory. The PIN itself is never in the settings, never logged.
    /// </summary>
    public string PinFile { get; set; } = "";

    /// <summary>Start of the labels of Pforte's key objects in the token: <c>{prefix}code-hash</c>, <c>{prefix}letter-seal</c> …</summary>
    public string KeyLabelPrefix { get; set; } = "pforte.";

    /// <summary>Most PKCS#11 sessions a process keeps open (a session serves one operation at a time).</summary>
    public int Sessions { get; set; } = 16;

    /// <summary>
    /// Seconds a node trusts its list of key versions before it lists the token again (a rotation by the CLI or another node
    /// is seen after at most this long; an unknown version is looked up at once).
    /// </summary>
    public int RefreshSeconds { get; set; } = 5;
}
