using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Pforte.Web.Tests.Hosting;

/// <summary>
/// docs/configuration.md is generated from the options classes (every class with a <c>Section</c> constant under
/// <c>Pforte:</c>: keys, types, defaults of a fresh instance, and the XML documentation of each property) plus the
/// few keys read one by one. The test fails when the file and the code differ, and when the code reads a
/// <c>Pforte:</c> key the reference does not list — so the reference cannot drift. To write it again:
/// <c>PFORTE_WRITE_CONFIG_REFERENCE=1 dotnet test --project tests/Pforte.Web.Tests -- --filter-class *ConfigurationReferenceTests</c>.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private static string File => Path.Combine(Repository.Root, "docs", "configuration.md");

    /// <summary>Keys the code reads one by one, outside an options class.</summary>
    private static readonly (string Key, string Type, string Default, string Description)[] Single =
    [
        ("Pforte:DataDirectory", "string", "the user's local application data folder + `pforte`", "Where the default SQLite file, the key ring and every relative file setting live (web host and CLI alike)."),
        ("Pforte:Demo:SeedEmptyDatabase", "bool", "true", "The web host fills an empty database with the demo data on its first start (docs/demo-data.md)."),
        ("Pforte:Jobs:Enabled", "bool", "true", "Background jobs of the web host (daily code run, print hand-over, failure-rate watch, retention, daily chain check); false for nodes that only serve requests."),
        ("Pforte:ForwardedHeaders:KnownProxies", "string[]", "—", "IP addresses of the reverse proxies whose X-Forwarded-For/-Proto are trusted (docs/deployment.md)."),
        ("Pforte:Portal:PublicBaseUrl", "string", "—", "The portal's public address, named in e-mail notices (only the address, never a link with an id)."),
        ("Pforte:Telemetry:OtlpEndpoint", "string (http/https URL)", "—", "OpenTelemetry traces over OTLP to this collector; unset: no tracing at all. Spans carry no personal data (docs/operations.md)."),
        ("Pforte:Telemetry:ServiceName", "string", "pforte", "The `service.name` of the traces (e.g. one per node)."),
        ("Pforte:Channels", "section", "the built-in catalogue", "The channel catalogue: trust level and data each channel may carry (docs/disclosure.md)."),
        ("Pforte:RequestKinds", "section", "the built-in catalogue", "The request kinds and the level each needs (docs/disclosure.md)."),
    ];

    private static readonly Assembly[] Assemblies =
    [
        typeof(Pforte.Core.AuthCodes.AuthCodeOptions).Assembly,
        typeof(Pforte.Portal.PortalSurface).Assembly,
        typeof(Pforte.Workspace.WorkspaceSurface).Assembly,
        typeof(Program).Assembly,
    ];

    [Fact]
    public void The_reference_is_what_the_options_classes_say()
    {
        var generated = Generate();
        if (Environment.GetEnvironmentVariable("PFORTE_WRITE_CONFIG_REFERENCE") == "1")
        {
            System.IO.File.WriteAllText(File, generated);
        }
        var committed = System.IO.File.Exists(File) ? System.IO.File.ReadAllText(File).ReplaceLineEndings("\n") : "";
        Assert.True(committed == generated,
            "docs/configuration.md differs from the options classes; write it again with PFORTE_WRITE_CONFIG_REFERENCE=1 (see this test's summary).");
    }

    [Fact]
    public void Every_key_the_code_reads_is_in_the_reference()
    {
        var reference = Generate();
        var keys = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => KeyLiteral().Matches(System.IO.File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains($"`{key}", reference, StringComparison.Ordinal));
    }

    internal static string Generate()
    {
        var sb = new StringBuilder();
        sb.Append("# Configuration reference\n\n")
          .Append("Generated from the options classes by `ConfigurationReferenceTests` (tests/Pforte.Web.Tests/Hosting) — do not edit\n")
          .Append("by hand; a test fails when this file and the code differ. Every key can be set in `appsettings.json`, as an\n")
          .Append("environment variable (`:` written as `__`, e.g. `Pforte__Database__Provider=postgres`) or on the command line.\n")
          .Append("Durations are `d.hh:mm:ss` (e.g. `00:15:00`), times of day `hh:mm`.\n\n");
        var sections = Assemblies.SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(x => x.Section is not null && x.Section.StartsWith("Pforte:", StringComparison.Ordinal) && x.Type.IsClass && Settable(x.Type).Any())
            .OrderBy(x => x.Section, StringComparer.Ordinal).ThenBy(x => x.Type.Name, StringComparer.Ordinal).ToList();
        foreach (var (type, section) in sections)
        {
            sb.Append("## `").Append(section).Append("`\n\n");
            if (Summary(type, "T:" + type.FullName) is { Length: > 0 } about)
            {
                sb.Append(about).Append("\n\n");
            }
            sb.Append("| Key | Type | Default | Meaning |\n|---|---|---|---|\n");
            Rows(sb, type, section!, Instance(type), 0);
            sb.Append('\n');
        }
        sb.Append("## Single keys\n\n| Key | Type | Default | Meaning |\n|---|---|---|---|\n");
        foreach (var (key, typeName, value, description) in Single.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"| `{key}` | {typeName} | {value} | {description} |\n");
        }
        return sb.ToString();
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static object? Instance(Type type) =>
        type.GetConstructor(Type.EmptyTypes) is not null && !type.IsAbstract ? Activator.CreateInstance(type) : null;

    private static void Rows(StringBuilder sb, Type type, string prefix, object? instance, int depth)
    {
        foreach (var p in Settable(type).OrderBy(p => p.MetadataToken))
        {
            var key = $"{prefix}:{p.Name}";
            var value = instance is null ? null : p.GetValue(instance);
            if (IsGroup(p.PropertyType) && depth < 3)
            {
                Rows(sb, p.PropertyType, key, value ?? Instance(p.PropertyType), depth + 1);
                continue;
            }
            var meaning = Summary(type, $"P:{type.FullName}.{p.Name}") ?? "";
            sb.Append(CultureInfo.InvariantCulture, $"| `{key}` | {TypeName(p.PropertyType)} | {Format(value)} | {meaning} |\n");
        }
    }

    private static bool IsGroup(Type t) =>
        t.IsClass && t != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(t) && Settable(t).Any() && t.Namespace?.StartsWith("Pforte", StringComparison.Ordinal) == true;

    private static string TypeName(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner)
        {
            return TypeName(inner) + " (optional)";
        }
        if (t.IsEnum)
        {
            return string.Join(" \\| ", Enum.GetNames(t));
        }
        if (t.IsArray)
        {
            return TypeName(t.GetElementType()!) + "[]";
        }
        if (t.IsGenericType)
        {
            var name = t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)];
            name = name switch { "Dictionary" or "IDictionary" or "IReadOnlyDictionary" => "map", "List" or "IList" or "IReadOnlyList" or "ISet" or "HashSet" => "list", _ => name };
            return $"{name} of {string.Join(" → ", t.GetGenericArguments().Select(TypeName))}";
        }
        return t == typeof(string) ? "string" : t == typeof(int) ? "int" : t == typeof(long) ? "long" : t == typeof(bool) ? "bool" : t.Name;
    }

    private static string Format(object? value) => value switch
    {
        null => "—",
        string s when s.Length == 0 => "(empty)",
        string s => $"`{Escape(s)}`",
        bool b => b ? "true" : "false",
        TimeSpan ts => $"`{ts.ToString("c", CultureInfo.InvariantCulture)}`",
        TimeOnly t => $"`{t.ToString("HH:mm", CultureInfo.InvariantCulture)}`",
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        IDictionary d => d.Count == 0 ? "(none)" : string.Join(", ", d.Keys.Cast<object>().OrderBy(k => k.ToString(), StringComparer.Ordinal).Select(k => $"`{k}={Plain(d[k])}`")),
        IEnumerable e => e.Cast<object>().ToList() is { Count: > 0 } items ? string.Join(", ", items.Select(i => $"`{Plain(i)}`")) : "(none)",
        _ => $"`{Escape(value.ToString() ?? "")}`",
    };

    private static string Plain(object? value) => value switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e and not string => string.Join("+", e.Cast<object>()),
        _ => Escape(value.ToString() ?? ""),
    };

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static readonly Dictionary<Assembly, XDocument?> Docs = [];

    /// <summary>The member's XML summary as one line of Markdown (from the assembly's documentation file).</summary>
    private static string? Summary(Type type, string member)
    {
        var assembly = type.Assembly;
        if (!Docs.TryGetValue(assembly, out var doc))
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            Docs[assembly] = doc = System.IO.File.Exists(path) ? XDocument.Load(path) : null;
        }
        var summary = doc?.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == member)?.Element("summary");
        if (summary is null)
        {
            return null;
        }
        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "c" or "code" } e => $"`{e.Value}`",
                XElement { Name.LocalName: "see" or "seealso" } e => $"`{((string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? (string?)e.Attribute("href") ?? e.Value).Split('(')[0].Split('.', ':')[^1]}`",
                XElement { Name.LocalName: "paramref" or "typeparamref" } e => $"`{(string?)e.Attribute("name")}`",
                XElement e => e.Value,
                _ => "",
            });
        }
        return Escape(Whitespace().Replace(text.ToString(), " ").Trim());
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("\"(Pforte:[A-Za-z0-9:]+)\"")]
    private static partial Regex KeyLiteral();
}
