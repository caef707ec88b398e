using System.Globalization;
using System.Resources;

namespace Pforte.Portal;

/// <summary>
/// The German texts of one part of the portal, from <c>Resources/&lt;name&gt;.resx</c>. A key that is missing throws,
/// so a page never shows a key instead of a sentence (and the tests find it).
/// </summary>
public sealed class TextSet(string name)
{
    public static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    private readonly ResourceManager _resources = new("Pforte.Portal.Resources." + name, typeof(TextSet).Assembly);

    public string Name { get; } = name;

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
