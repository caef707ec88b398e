namespace Pforte.Core.Common.Keys;

/// <summary><c>Pforte:Keys</c>. The key ring lives outside the database: a thief of the database must not get it too.</summary>
public sealed class KeyOptions
{
    public const string Section = "Pforte:Keys";

    /// <summary>
    /// Path of the key-ring file (created with mode 0600 on first use); a relative path is taken from the data directory
    /// (<c>Pforte:DataDirectory</c>). Back it up separately from the database.
    /// </summary>
    public string Path { get; set; } = "keys/keyring.json";
}
