namespace Pforte.Portal;

public static partial class Texts
{
    /// <summary>The keypad simulator of the phone dialogue (ADR 0027).</summary>
    public static readonly TextSet Phone = new("Phone");
}
