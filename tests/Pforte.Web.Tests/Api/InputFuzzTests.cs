using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Authentication;
using Pforte.Core.Clients;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;
using Pforte.Testing;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Api;

/// <summary>
/// The input policy at the API (issue 11, finding 4; ADR 0013), driven by the live OpenAPI document so that it
/// covers every operation with a JSON body and every field, whatever the fields are called: for each string field
/// (nested ones too) a valid body gets one bad value — NUL, ESC, DEL, C1, a lone surrogate, 60,000 characters, an
/// RTL override, combining characters, SQL-ish text, empty, whitespace — and each field gets a value of the wrong
/// type. Never a 500; every refusal is problem+json with a code; control characters and over-long values in a text
/// field are a 400 that names the field; and a 400 writes nothing (row counts of every table unchanged).
/// </summary>
public sealed class InputFuzzTests(ITestOutputHelper output)
{
    private const string LoneSurrogate = "LONE-SURROGATE-PLACEHOLDER";

    /// <summary>Variants that must be refused with a 400 naming the field (in a free-text field).</summary>
    private static readonly (string Name, string Value)[] MustRefuse =
    [
        ("NUL", "ab\0cd"),
        ("ESC", "ab\u001b[31mcd"),
        ("DEL", "ab\u007fcd"),
        ("C1", "ab\u0085cd"),
        ("lone surrogate", LoneSurrogate),
        ("60,000 characters", new string('a', 60_000)),
    ];

    /// <summary>Variants that may pass or be refused, never with a 500.</summary>
    private static readonly (string Name, string Value)[] MayPass =
    [
        ("RTL override", "abc\u202edcba"),
        ("combining", "Mu\u0308ller\u0301\u0302\u0303"),
        ("SQL", "' OR 1=1;-- \"; DROP TABLE audit_entries; --"),
        ("empty", ""),
        ("whitespace", "   \u00a0 "),
    ];

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task No_field_of_any_endpoint_gives_a_500_and_bad_text_is_a_400_naming_the_field_that_writes_nothing(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (_, key) = await h.Factory.CreateClientAsync("fuzz", TestData.Ik, [.. ApiScopes.All]);
        using var client = h.Factory.ClientWithKey(key);
        var (person, code) = await h.PersonWithCodeAsync();

        var draw = await client.PostAsJsonAsync("/api/v1/authentications/phone-questions", new Dictionary<string, object?> { ["kvnr"] = person.Kvnr, ["staffId"] = "agent-7" });
        var round = JsonNode.Parse(await draw.Content.ReadAsStringAsync())!.AsObject();
        var roundId = round["roundId"]!.GetValue<string>();
        var questionIds = round["questions"]!.AsArray().Select(q => q!["id"]!.GetValue<string>()).ToList();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        var values = new Values(person, code, questionIds);
        var problems = new List<string>();
        var operations = 0;
        var requests = 0;

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, op) in item!.AsObject())
            {
                if (op?["requestBody"]?["content"]?["application/json"]?["schema"] is not { } bodySchema)
                {
                    continue;
                }
                operations++;
                var url = path.Replace("{kvnr}", person.Kvnr, StringComparison.Ordinal).Replace("{roundId}", roundId, StringComparison.Ordinal);
                var baseline = (JsonObject)Build(Resolve(bodySchema, schemas), schemas, values, path, "")!;
                foreach (var (field, schema) in Fields(Resolve(bodySchema, schemas), schemas, ""))
                {
                    var kind = Kind(schema);
                    var freeText = kind == "string" && schema["format"] is null && schema["enum"] is null;
                    var variants = kind is "string" or "array-of-string" or "map-of-string" ? MustRefuse.Concat(MayPass) : [];
                    foreach (var (name, value) in variants)
                    {
                        var body = (JsonObject)baseline.DeepClone();
                        Set(body, field, kind switch
                        {
                            "array-of-string" => new JsonArray(JsonValue.Create(value)),
                            "map-of-string" => new JsonObject(questionIds.Select((q, i) => KeyValuePair.Create(q, (JsonNode?)JsonValue.Create(i == 0 ? value : "x")))),
                            _ => JsonValue.Create(value),
                        });
                        var (status, text, written) = await SendAsync(h, client, method, url, body);
                        requests++;
                        Check(problems, $"{method.ToUpperInvariant()} {path} {field} = {name}", status, text, written);
                        if (MustRefuse.Any(m => m.Name == name) && (freeText || kind is "array-of-string" or "map-of-string"))
                        {
                            if (status != HttpStatusCode.BadRequest)
                            {
                                problems.Add($"{method.ToUpperInvariant()} {path} {field} = {name}: {(int)status} instead of 400");
                            }
                            else if (!Names(text, field) && !(name == "lone surrogate" && CodeOf(text) == "PF-API-003"))
                            {
                                problems.Add($"{method.ToUpperInvariant()} {path} {field} = {name}: the 400 does not name the field: {Short(text)}");
                            }
                        }
                    }
                    // A value of the wrong type.
                    var wrong = (JsonObject)baseline.DeepClone();
                    Set(wrong, field, kind is "string" or "array-of-string" ? JsonValue.Create(12345) : JsonValue.Create("not-a-" + kind));
                    var (wrongStatus, wrongText, wrongWritten) = await SendAsync(h, client, method, url, wrong);
                    requests++;
                    Check(problems, $"{method.ToUpperInvariant()} {path} {field} = wrong type", wrongStatus, wrongText, wrongWritten);
                }
            }
        }
        output.WriteLine($"{provider}: {operations} operations, {requests} requests, {problems.Count} problems");
        Assert.True(operations >= 10, $"only {operations} operations with a JSON body found in the document");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Take(60)));
    }

    private static void Check(List<string> problems, string what, HttpStatusCode status, string text, bool written)
    {
        if ((int)status >= 500)
        {
            problems.Add($"{what}: {(int)status} {Short(text)}");
            return;
        }
        if ((int)status >= 300)
        {
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(text).RootElement;
            }
            catch (JsonException)
            {
                problems.Add($"{what}: {(int)status} without problem details: {Short(text)}");
                return;
            }
            if (!root.TryGetProperty("code", out var c) || c.GetString() is not { } code || !code.StartsWith("PF-", StringComparison.Ordinal))
            {
                problems.Add($"{what}: {(int)status} without a PF- code: {Short(text)}");
            }
        }
        if (status == HttpStatusCode.BadRequest && written)
        {
            problems.Add($"{what}: refused with 400 but wrote to the database");
        }
    }

    /// <summary>
    /// A lone surrogate cannot even be read as a JSON string: the body is refused as malformed (PF-API-003) before
    /// any field is looked at; that refusal names no field (the binding's error, not the input policy's).
    /// </summary>
    private static string? CodeOf(string text) => JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;

    private static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>Whether the answer names the field: its last name part, compared without case and separators (camelCase or snake_case alike).</summary>
    private static bool Names(string text, string field)
    {
        static string Plain(string s) => new([.. s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
        var root = JsonDocument.Parse(text).RootElement;
        var said = Plain(string.Join(" ", new[] { "title", "detail" }.Select(p => root.TryGetProperty(p, out var v) ? v.GetString() : ""))
            + (root.TryGetProperty("errors", out var errors) ? errors.GetRawText() : ""));
        var leaf = Plain(field.Split('.')[^1]);
        return said.Contains(leaf, StringComparison.Ordinal)
            || (leaf.EndsWith("kvnr", StringComparison.Ordinal) && said.Contains("kvnr", StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, string Text, bool Written)> SendAsync(MachineAuthHarness h, HttpClient client, string method, string url, JsonObject body)
    {
        var json = body.ToJsonString().Replace(JsonSerializer.Serialize(LoneSurrogate)[1..^1], "\\ud800", StringComparison.Ordinal);
        var before = await CountsAsync(h);
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 300 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            text = "not problem+json: " + text;
        }
        var after = await CountsAsync(h);
        return (response.StatusCode, text, !before.SequenceEqual(after));
    }

    /// <summary>The row count of every table of the model.</summary>
    private static async Task<long[]> CountsAsync(MachineAuthHarness h)
    {
        await using var scope = h.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct().Order().ToList();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        var counts = new long[tables.Count];
        for (var i = 0; i < tables.Count; i++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM {tables[i]}";
            counts[i] = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return counts;
    }

    private static JsonObject Resolve(JsonNode schema, JsonObject schemas)
    {
        var s = schema.AsObject();
        if (s["$ref"]?.GetValue<string>() is { } reference)
        {
            return Resolve(schemas[reference.Split('/')[^1]]!, schemas);
        }
        if ((s["oneOf"] ?? s["anyOf"]) is JsonArray choices)
        {
            return Resolve(choices.First(c => c!["type"]?.ToString() != "null")!, schemas);
        }
        return s;
    }

    private static string Kind(JsonObject schema)
    {
        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).First(t => t != "null"),
            { } t => t.GetValue<string>(),
            null => schema["properties"] is not null ? "object" : "string",
        };
        return type switch
        {
            "array" when schema["items"]?["type"]?.ToString() == "string" => "array-of-string",
            "object" when schema["additionalProperties"] is JsonObject => "map-of-string",
            _ => type,
        };
    }

    /// <summary>Every field of a body, nested ones as "parent.child".</summary>
    private static IEnumerable<(string Field, JsonObject Schema)> Fields(JsonObject schema, JsonObject schemas, string prefix)
    {
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            var resolved = Resolve(property!, schemas);
            if (Kind(resolved) == "object")
            {
                foreach (var nested in Fields(resolved, schemas, prefix + name + "."))
                {
                    yield return nested;
                }
            }
            yield return (prefix + name, resolved);
        }
    }

    private static void Set(JsonObject body, string field, JsonNode? value)
    {
        var parts = field.Split('.');
        var target = body;
        foreach (var part in parts[..^1])
        {
            target = target[part]!.AsObject();
        }
        target[parts[^1]] = value;
    }

    /// <summary>A valid body, values chosen by property name.</summary>
    private static JsonNode? Build(JsonObject schema, JsonObject schemas, Values values, string path, string name)
    {
        var kind = Kind(schema);
        if (kind == "object")
        {
            var body = new JsonObject();
            foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
            {
                body[property] = Build(Resolve(propertySchema!, schemas), schemas, values, path, property);
            }
            return body;
        }
        return values.For(Plain(name), kind, schema["format"]?.GetValue<string>(), path);
    }

    private static string Plain(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private sealed class Values(MachineAuthHarness.Person person, string code, IReadOnlyList<string> questionIds)
    {
        public JsonNode? For(string name, string kind, string? format, string path) => kind == "boolean" ? name != "einwilligungsvorbehalt" : name switch
        {
            "kvnr" or "subjectkvnr" => person.Kvnr,
            "representativekvnr" or "mainmemberkvnr" or "representativeid" or "authenticationid" or "insuranceend" or "validto"
                or "deceasedon" or "cardissuedon" or "callerid" => null,
            "cardnumber" => person.Card,
            "code" => code,
            "newcode" => code == "8052" ? "7405" : "8052",
            "channel" => path.Contains("written", StringComparison.Ordinal) ? Channels.Letter : Channels.Portal,
            "requestkind" => RequestKinds.All[0],
            "direction" => "outbound",
            "purpose" => "Hinweis auf eine neue Nachricht im Postfach",
            "staffid" => "agent-7",
            "kind" => path.Contains("/ivr/", StringComparison.Ordinal) ? "dtmf" : "bevollmaechtigter",
            "familyname" => "Muster",
            "givenname" => "Erika",
            "birthdate" => "1971-04-12",
            "insurancekind" => "member",
            "insurancestart" => "2001-01-01",
            "street" => "Schloßallee",
            "housenumber" => "3",
            "postalcode" => "35037",
            "city" => "Marburg",
            "country" => "DE",
            "scope" => new JsonArray("*"),
            "validfrom" => "2025-01-01",
            "proofreference" => "Vollmacht vom 1. Januar 2025",
            "documenttype" => DocumentTypes.All.Keys.First(),
            "documentnumberlast4" => "12AB",
            "factors" => new JsonArray("password", "totp"),
            "portalsessionid" => "session-4711",
            "reason" => "Code vergessen, Identität im Beratungscenter geprüft",
            "ip" => "198.51.100.7",
            "callid" => "call-4711",
            "answers" => new JsonObject(questionIds.Select(q => KeyValuePair.Create(q, (JsonNode?)JsonValue.Create("falsch")))),
            _ => kind switch
            {
                "boolean" => true,
                "integer" or "number" => 1,
                "array" or "array-of-string" => new JsonArray(),
                "map-of-string" => new JsonObject(),
                _ => format switch
                {
                    "date" => "2025-01-01",
                    "uuid" => null,
                    _ => "x",
                },
            },
        };
    }
}
