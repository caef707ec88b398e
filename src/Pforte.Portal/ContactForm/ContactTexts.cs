namespace Pforte.Portal;

public static partial class Texts
{
    /// <summary>The public contact form and its receipt page.</summary>
    public static readonly TextSet Contact = new("Contact");
}
