using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Pforte.Core.Common;
using Pforte.Web.Hosting;

namespace Pforte.Web.Tests;

/// <summary>
/// Records every answer of the test host under /api/ and checks it against the live OpenAPI document when the
/// factory is disposed: the status is documented for the operation, a problem carries a code listed for that status
/// (and an English-only title), a JSON body has exactly the documented shape (property names, required properties,
/// JSON types), a 401 carries the challenge that tells a bad key from a person who was not verified. Every test that
/// uses <see cref="PforteWebFactory"/> thereby checks the document: an endpoint changed without its document fails.
/// </summary>
public sealed partial class ContractRecorder : IStartupFilter
{
    public sealed record Exchange(string Method, string Path, int Status, string? ContentType, byte[] Body, string? Challenge);

    private readonly ConcurrentQueue<Exchange> _exchanges = new();

    public IReadOnlyList<Exchange> Exchanges => [.. _exchanges];

    /// <summary>Answers of any path that reached no operation (PF-API-008 no such endpoint, 009 method, 016 path).</summary>
    private static readonly HashSet<(int, string)> NoOperation =
    [
        (StatusCodes.Status404NotFound, ErrorCodes.ApiNoSuchEndpoint),
        (StatusCodes.Status405MethodNotAllowed, ErrorCodes.ApiMethodNotAllowed),
        (StatusCodes.Status400BadRequest, ErrorCodes.ApiPathInvalid),
    ];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api"))
            {
                await nextMiddleware(context);
                return;
            }
            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                context.Response.Body = original;
            }
            var bytes = buffer.ToArray();
            _exchanges.Enqueue(new Exchange(context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode,
                context.Response.ContentType, bytes, context.Response.Headers.WWWAuthenticate.ToString()));
            await original.WriteAsync(bytes, context.RequestAborted);
        });
        next(app);
    };

    private static bool IsJson(string? contentType) => contentType is not null && contentType.Contains("json", StringComparison.Ordinal);

    /// <summary>The non-JSON content types the document names for a 200 of this exchange's operation, or null.</summary>
    private static HashSet<string>? DocumentedFileTypes(JsonObject document, Exchange x)
    {
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            if (TemplatePattern(template).IsMatch(x.Path) && item![x.Method.ToLowerInvariant()]?["responses"]?["200"]?["content"] is JsonObject content)
            {
                var types = content.Select(c => c.Key).Where(t => !IsJson(t)).ToHashSet();
                return types.Count > 0 ? types : null;
            }
        }
        return null;
    }

    /// <summary>Every disagreement between the recorded answers and the document, one line each.</summary>
    public static IReadOnlyList<string> Check(JsonObject document, IEnumerable<Exchange> exchanges)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(exchanges);
        var violations = new List<string>();
        var paths = document["paths"]!.AsObject().Select(p => (Template: p.Key, Pattern: TemplatePattern(p.Key), Item: p.Value!.AsObject())).ToList();
        foreach (var x in exchanges)
        {
            var where = $"{x.Method} {x.Path} → {x.Status}";
            JsonElement body = default;
            var hasBody = x.Body.Length > 0;
            // A file (an attachment's download) is checked against its documented content types, not parsed as JSON.
            if (hasBody && x.Status == StatusCodes.Status200OK && !IsJson(x.ContentType) && DocumentedFileTypes(document, x) is { } fileTypes)
            {
                if (!fileTypes.Contains(x.ContentType?.Split(';')[0].Trim() ?? ""))
                {
                    violations.Add($"{where}: content type {x.ContentType} is not documented ({string.Join(", ", fileTypes)})");
                }
                continue;
            }
            if (hasBody)
            {
                try
                {
                    body = JsonDocument.Parse(x.Body).RootElement.Clone();
                }
                catch (JsonException)
                {
                    violations.Add($"{where}: the body is not JSON");
                    continue;
                }
            }
            var isProblem = x.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true;
            var code = isProblem && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var c) ? c.GetString() : null;
            if (x.Status >= 400 && !isProblem)
            {
                violations.Add($"{where}: an error without problem details ({x.ContentType ?? "no content type"}, {x.Body.Length} bytes)");
                continue;
            }
            if (isProblem)
            {
                CheckProblem(document, body, where, violations);
            }
            if (code is not null && NoOperation.Contains((x.Status, code)))
            {
                continue;
            }
            var match = paths.FirstOrDefault(p => p.Pattern.IsMatch(x.Path));
            if (match.Item is null || match.Item[x.Method.ToLowerInvariant()] is not JsonObject operation)
            {
                violations.Add($"{where}: no operation in the document for this method and path");
                continue;
            }
            var responses = operation["responses"]!.AsObject();
            if (responses[x.Status.ToString(CultureInfo.InvariantCulture)] is not JsonObject response)
            {
                violations.Add($"{where} ({code ?? "no code"}): status not documented for {match.Template}");
                continue;
            }
            if (code is not null)
            {
                var listed = response[ApiReference.ErrorCodesExtension]?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet() ?? [];
                if (!listed.Contains(code))
                {
                    violations.Add($"{where}: code {code} not listed for this status of {x.Method} {match.Template}");
                }
            }
            if (x.Status == StatusCodes.Status401Unauthorized)
            {
                var expected = code is not null && ApiDocs.PersonNotVerifiedCodes.Contains(code) ? ProblemResults.PersonChallenge : ProblemResults.ApiKeyChallenge;
                if (x.Challenge != expected)
                {
                    violations.Add($"{where} ({code}): WWW-Authenticate is '{x.Challenge}', expected '{expected}'");
                }
            }
            var content = response["content"]?.AsObject();
            if (content is null || content.Count == 0)
            {
                if (hasBody)
                {
                    violations.Add($"{where}: a body where the document describes none");
                }
                continue;
            }
            var mediaType = x.ContentType?.Split(';')[0].Trim();
            if (mediaType is null || content[mediaType] is not JsonObject media)
            {
                violations.Add($"{where}: content type {mediaType ?? "none"} not documented (documented: {string.Join(", ", content.Select(m => m.Key))})");
                continue;
            }
            if (!hasBody)
            {
                violations.Add($"{where}: an empty body where the document describes one");
                continue;
            }
            CheckSchema(document, media["schema"], body, "$", where, violations);
        }
        return violations;
    }

    private static void CheckProblem(JsonObject document, JsonElement body, string where, List<string> violations)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("code", out _))
        {
            violations.Add($"{where}: a problem without a code");
            return;
        }
        var title = body.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
        if (GermanOnly().IsMatch(title))
        {
            violations.Add($"{where}: the English title has German in it: {title}");
        }
        CheckSchema(document, JsonNode.Parse($"{{\"$ref\":\"#/components/schemas/{ApiReference.ProblemSchema}\"}}"), body, "$", where, violations);
    }

    /// <summary>What only German text has and English never needs: umlauts, ß and German quotation marks.</summary>
    [GeneratedRegex("[äöüÄÖÜß„“‚‘]")]
    public static partial Regex GermanOnly();

    private static void CheckSchema(JsonObject document, JsonNode? schemaNode, JsonElement value, string path, string where, List<string> violations)
    {
        if (schemaNode is not JsonObject schema)
        {
            return;
        }
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var name = reference["#/components/schemas/".Length..];
            CheckSchema(document, document["components"]!["schemas"]![name], value, path, where, violations);
            return;
        }
        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray alternatives)
        {
            var fits = alternatives.Any(option =>
            {
                var inner = new List<string>();
                CheckSchema(document, option, value, path, where, inner);
                return inner.Count == 0;
            });
            if (!fits)
            {
                violations.Add($"{where}: {path} fits none of the documented alternatives");
            }
            return;
        }
        var types = schema["type"] switch
        {
            JsonArray list => list.Select(n => n!.GetValue<string>()).ToHashSet(),
            JsonValue one => [one.GetValue<string>()],
            _ => null,
        };
        if (types is not null && !types.Contains(JsonType(value)) && !(JsonType(value) == "integer" && types.Contains("number")))
        {
            violations.Add($"{where}: {path} is {JsonType(value)}, documented {string.Join("|", types)}");
            return;
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = schema["properties"]?.AsObject();
            foreach (var required in schema["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])
            {
                if (!value.TryGetProperty(required, out _))
                {
                    violations.Add($"{where}: {path}.{required} is documented as required but missing");
                }
            }
            foreach (var property in value.EnumerateObject())
            {
                if (properties?[property.Name] is { } propertySchema)
                {
                    CheckSchema(document, propertySchema, property.Value, path + "." + property.Name, where, violations);
                }
                else if (schema["additionalProperties"] is JsonObject additional)
                {
                    CheckSchema(document, additional, property.Value, path + "." + property.Name, where, violations);
                }
                else
                {
                    violations.Add($"{where}: {path}.{property.Name} is not in the document");
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Array && schema["items"] is { } items)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                CheckSchema(document, items, item, $"{path}[{i++}]", where, violations);
            }
        }
    }

    private static string JsonType(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>The operationId of the document's operation for a method and concrete path; null when there is none.</summary>
    public static string? OperationId(JsonObject document, string method, string path)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(method);
        var item = document["paths"]!.AsObject().FirstOrDefault(p => TemplatePattern(p.Key).IsMatch(path)).Value;
        return item?[method.ToLowerInvariant()]?["operationId"]?.GetValue<string>();
    }

    private static Regex TemplatePattern(string template) =>
        new("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "/?$", RegexOptions.CultureInvariant);
}
