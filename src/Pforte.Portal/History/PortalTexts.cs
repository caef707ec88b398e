namespace Pforte.Portal;

public static partial class Texts
{
    /// <summary>Security history ("So haben Sie alles unter Kontrolle").</summary>
    public static readonly TextSet History = new("History");

    /// <summary>The person's letters and their copies.</summary>
    public static readonly TextSet Letters = new("Letters");

    /// <summary>Switching to a represented person and back.</summary>
    public static readonly TextSet Representation = new("Representation");

    /// <summary>The public Beratungscenter finder.</summary>
    public static readonly TextSet Branches = new("Branches");

    /// <summary>The signed-in overview.</summary>
    public static readonly TextSet Overview = new("Overview");
}
