namespace Pforte.Portal;

public static partial class Texts
{
    /// <summary>The secure mailbox ("Postfach").</summary>
    public static readonly TextSet Mailbox = new("Mailbox");
}
