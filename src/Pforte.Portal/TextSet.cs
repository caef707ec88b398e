using System.Globalization;
using System.Resources;

namespace Pforte.Portal;

/// <summary>
/// The German texts of one part of the portal, from <c>Resources/&lt;name&gt;.resx</c>. A key that is missing throws,
/// so a page never shows a key instead of a sentence (and the tests find it).
/// </summary>
public sealed class TextSet
{
    public static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    private readonly ResourceManager _resources;

    /// <summary>A set of the portal (<c>Pforte.Portal/Resources</c>).</summary>
    public TextSet(string name)
        : this(name, typeof(TextSet).Assembly, "Pforte.Portal.Resources")
    {
    }

    /// <summary>A set of another surface: <c>&lt;resourceNamespace&gt;.&lt;name&gt;.resx</c> in <paramref name="assembly"/> (the workspace's).</summary>
    public TextSet(string name, System.Reflection.Assembly assembly, string resourceNamespace)
    {
        Name = name;
        _resources = new(resourceNamespace + "." + name, assembly);
    }

    public string Name { get; }

    public string this[string key] =>
        _resources.GetString(key, German) ?? throw new KeyNotFoundException($"Text '{key}' is missing in Resources/{Name}.resx.");

    /// <summary>A text with placeholders ({0}, {1}, …) filled in German formatting.</summary>
    public string Format(string key, params object?[] args) => string.Format(German, this[key], args);

    /// <summary>Every key of this set (for the test that every key used exists).</summary>
    public IEnumerable<string> Keys()
    {
        // Not disposed: the resource manager caches the set and goes on reading from it.
        var set = _resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)
            ?? throw new InvalidOperationException($"Resources/{Name}.resx is missing.");
        foreach (System.Collections.DictionaryEntry entry in set)
        {
            yield return (string)entry.Key;
        }
    }
}

/// <summary>The portal's text sets, one per part (each part adds its own in a file of its own).</summary>
public static partial class Texts
{
    /// <summary>Layout, start page, error pages, shared words.</summary>
    public static readonly TextSet Shell = new("Shell");
}
