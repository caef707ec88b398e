namespace Pforte.Portal;

public static partial class Texts
{
    /// <summary>The authentication code pages (signed in and public).</summary>
    public static readonly TextSet Code = new("Code");

    /// <summary>"Meine Daten": master data, address, bank details, contact e-mail.</summary>
    public static readonly TextSet Daten = new("Daten");
}
