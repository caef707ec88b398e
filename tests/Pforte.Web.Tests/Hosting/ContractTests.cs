using System.Net;
using System.Net.Http.Json;
using System.Resources;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Testing;
using Pforte.Web.Hosting;
using Pforte.Web.Tests.Disclosure;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Hosting;

/// <summary>The one API contract: strict binding, a closed camelCase document, challenges of a 401, English titles.</summary>
public sealed partial class ContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Valid = """{"kvnr":"$K","cardNumber":"$C","code":"1234","channel":"portal"}""";

    /// <summary>Each way a body can fail to bind gets its code and names the field by its JSON path; no framework text leaks.</summary>
    [Theory]
    [InlineData("""{"kvnr":"$K","cardNumber":"$C","code":"1234","channel":"portal","source":{"callerId":5}}""", ErrorCodes.ApiFieldType, "source.callerId")]
    [InlineData("""{"kvnr":"$K","cardNumber":"$C","code":"1234","channel":"portal","source":{"caller_id":"x"}}""", ErrorCodes.ApiUnknownField, "source.caller_id")]
    [InlineData("""{"kvnr":"$K","cardNumber":"$C","channel":"portal"}""", ErrorCodes.ApiFieldMissing, "code")]
    [InlineData("""{"kvnr":"$K","cardNumber":"$C","code":"1234","channel":null}""", ErrorCodes.ApiFieldNull, "channel")]
    [InlineData("""{"kvnr":"$K","kvnr":"$K","cardNumber":"$C","code":"1234","channel":"portal"}""", ErrorCodes.ApiDuplicateField, "kvnr")]
    [InlineData("""{"kvnr":"$K","cardNumber":$N,"code":"1234","channel":"portal"}""", ErrorCodes.ApiFieldType, "cardNumber")]
    [InlineData("""{"kvnr":"$K","cardNumber":"$C","code":"1234","channel":"portal","Kvnr":"x"}""", ErrorCodes.ApiUnknownField, "Kvnr")]
    [InlineData("""[1,2]""", ErrorCodes.ApiMalformedBody, null)]
    [InlineData("""{"kvnr":""", ErrorCodes.ApiMalformedBody, null)]
    [InlineData("null", ErrorCodes.ApiBodyMissing, null)]
    [InlineData("", ErrorCodes.ApiBodyMissing, null)]
    public async Task A_body_that_does_not_bind_is_a_400_naming_the_field(string body, string code, string? field)
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var (_, key) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.MachineAuth);
        var client = factory.ClientWithKey(key);

        var response = await client.PostAsync("/api/v1/machine-auth/verify", new StringContent(Fill(body), Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, json.GetProperty("code").GetString());
        if (field is not null)
        {
            Assert.Contains($"„{field}“", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.DoesNotMatch(FrameworkText(), text);
        // The body without the mistake binds and is checked (no such person: the one failure answer).
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/v1/machine-auth/verify", new StringContent(Fill(Valid), Encoding.UTF8, "application/json"), Ct)).StatusCode);
    }

    private static string Fill(string body) => body.Replace("$K", TestData.Kvnr(1), StringComparison.Ordinal)
        .Replace("$C", TestData.Card(1), StringComparison.Ordinal).Replace("$N", TestData.Card(1), StringComparison.Ordinal);

    [GeneratedRegex(@"\.NET|System\.|LineNumber|BytePosition|Path: \$|could not be|VerifyBody|Exception|deserializ", RegexOptions.IgnoreCase)]
    private static partial Regex FrameworkText();

    [Fact]
    public async Task A_field_name_made_of_control_characters_is_not_reflected()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var (_, key) = await factory.CreateClientAsync("ivr", TestData.Ik, ApiScopes.MachineAuth);
        var body = Fill("""{"kvnr":"$K","cardNumber":"$C","code":"1234","channel":"portal","a\u001b[31mb":1}""");

        var response = await factory.ClientWithKey(key).PostAsync("/api/v1/machine-auth/verify", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(ErrorCodes.ApiUnknownField, json.GetProperty("code").GetString());
        Assert.DoesNotContain('\u001b', json.GetProperty("detail").GetString()!);
    }

    private static async Task<JsonObject> DocumentAsync(PforteWebFactory factory) =>
        (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json", Ct))!;

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex CamelCase();

    /// <summary>Every request body is required and closed; every schema of ours is closed; every property is camelCase.</summary>
    [Fact]
    public async Task Every_request_body_is_closed_and_every_property_is_camelCase()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var document = await DocumentAsync(factory);
        var schemas = document["components"]!["schemas"]!.AsObject();
        var bodies = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation!["requestBody"] is not { } requestBody)
                {
                    continue;
                }
                bodies++;
                Assert.True(requestBody["required"]?.GetValue<bool>(), $"{method} {path}: body not required");
                if (requestBody["content"]!["application/json"] is null)
                {
                    // VoiceXML platforms post form fields (the VoiceXML 2.1 <submit>), not JSON: only there.
                    Assert.Contains("/ivr/vxml/", path, StringComparison.Ordinal);
                    Assert.NotNull(requestBody["content"]!["application/x-www-form-urlencoded"]);
                    continue;
                }
                var reference = requestBody["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
                var schema = schemas[reference.Split('/')[^1]]!;
                Assert.False(schema["additionalProperties"]?.GetValue<bool>() ?? true, $"{method} {path}: {reference} is open");
            }
        }
        Assert.True(bodies >= 11, $"only {bodies} request bodies");
        foreach (var (name, schema) in schemas)
        {
            foreach (var (property, _) in schema!["properties"]?.AsObject() ?? [])
            {
                Assert.Matches(CamelCase(), property);
            }
            if (schema["properties"] is not null && name != ApiReference.ProblemSchema)
            {
                Assert.False(schema["additionalProperties"]?.GetValue<bool>() ?? true, $"{name} is open");
            }
        }
    }

    /// <summary>
    /// Every <c>maxLength</c> of a request body is what the server enforces: one character more is a 400 PF-REC-011
    /// naming the field. Bodies are built from the document itself (required fields with values of their type).
    /// </summary>
    [Fact]
    public async Task Every_documented_maxLength_is_enforced()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var (_, key) = await factory.CreateClientAsync("all", TestData.Ik, [.. ApiScopes.All]);
        var client = factory.ClientWithKey(key);
        var document = await DocumentAsync(factory);
        var checkedFields = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation!["requestBody"]?["content"]?["application/json"]?["schema"] is not { } schema)
                {
                    continue;
                }
                foreach (var (field, max) in BoundedFields(document, schema, ""))
                {
                    var body = Minimal(document, schema)!.AsObject();
                    Set(body, field, new string('a', max + 1));
                    var url = Regex.Replace(path, "{kvnr}", TestData.Kvnr(1)).Replace("{roundId}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                        .Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
                    var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url)
                    {
                        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
                    }, Ct);
                    var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest && json.GetProperty("code").GetString() == ErrorCodes.FieldTooLong,
                        $"{method} {path} {field} ({max + 1} characters): {(int)response.StatusCode} {json}");
                    Assert.Contains($"„{field}“", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
                    checkedFields++;
                }
            }
        }
        Assert.True(checkedFields >= 9, $"only {checkedFields} bounded fields");
    }

    private static JsonObject Resolve(JsonObject document, JsonNode schema)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return document["components"]!["schemas"]![reference.Split('/')[^1]]!.AsObject();
        }
        if (schema["oneOf"] is JsonArray alternatives)
        {
            return Resolve(document, alternatives.First(a => a!["type"]?.ToString() != "null")!);
        }
        return schema.AsObject();
    }

    private static IEnumerable<(string Field, int Max)> BoundedFields(JsonObject document, JsonNode schemaNode, string prefix)
    {
        var schema = Resolve(document, schemaNode);
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            var resolved = Resolve(document, property!);
            if (resolved["maxLength"] is { } max)
            {
                yield return (prefix + name, max.GetValue<int>());
            }
            if (resolved["properties"] is not null)
            {
                foreach (var nested in BoundedFields(document, resolved, prefix + name + "."))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>A body with every required field set to a value of its type (it binds; whether it is sound does not matter).</summary>
    private static JsonNode? Minimal(JsonObject document, JsonNode schemaNode)
    {
        var schema = Resolve(document, schemaNode);
        var type = schema["type"] switch
        {
            JsonArray list => list.Select(t => t!.GetValue<string>()).First(t => t != "null"),
            JsonValue one => one.GetValue<string>(),
            _ => "object",
        };
        return type switch
        {
            "object" when schema["properties"] is JsonObject properties => new JsonObject(
                (schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
                .Select(r => KeyValuePair.Create(r, Minimal(document, properties[r]!)))),
            "object" => new JsonObject(),
            "array" => new JsonArray(),
            "boolean" => JsonValue.Create(false),
            "integer" or "number" => JsonValue.Create(0),
            _ => schema["format"]?.GetValue<string>() switch
            {
                "uuid" => JsonValue.Create(Guid.NewGuid().ToString()),
                "date" => JsonValue.Create("2020-01-01"),
                "date-time" => JsonValue.Create("2020-01-01T00:00:00Z"),
                _ => JsonValue.Create("x"),
            },
        };
    }

    private static void Set(JsonObject body, string field, string value)
    {
        var parts = field.Split('.');
        var target = body;
        foreach (var part in parts[..^1])
        {
            if (target[part] is not JsonObject next)
            {
                target[part] = next = new JsonObject();
            }
            target = next;
        }
        target[parts[^1]] = value;
    }

    [Fact]
    public async Task Every_operation_lists_its_error_codes_for_every_error_status()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        var document = await DocumentAsync(factory);
        var known = typeof(ErrorCodes).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                Assert.False(string.IsNullOrEmpty(operation!["operationId"]?.GetValue<string>()), $"{method} {path}: no operationId");
                foreach (var (status, response) in operation["responses"]!.AsObject())
                {
                    if (status[0] is '4' or '5')
                    {
                        var codes = response![ApiReference.ErrorCodesExtension]?.AsArray().Select(c => c!.GetValue<string>()).ToList() ?? [];
                        Assert.True(codes.Count > 0, $"{method} {path} {status}: no error codes");
                        Assert.All(codes, c => Assert.Contains(c, known));
                        Assert.All(codes, c => Assert.Contains(c, response["description"]!.GetValue<string>(), StringComparison.Ordinal));
                        Assert.NotNull(response["content"]?["application/problem+json"]);
                    }
                }
            }
        }
    }

    /// <summary>
    /// ADR 0011: a failed verification of a person keeps 401 but carries its own challenge, so a client never takes
    /// it for a bad key (and never renews its key or replays the request); failures stay byte-identical.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_not_verified_and_a_bad_key_carry_different_challenges(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();
        var wrong = code == "0000" ? "1111" : "0000";

        var failed = await h.VerifyAsync(MachineAuthHarness.Body(person, wrong));
        var unknown = await h.VerifyAsync(MachineAuthHarness.Body(person with { Kvnr = TestData.Kvnr(999_999) }, wrong));
        var badKey = await h.Factory.ClientWithKey("pf_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .PostAsJsonAsync("/api/v1/machine-auth/verify", MachineAuthHarness.Body(person, code), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        Assert.Equal(ProblemResults.PersonChallenge, failed.Headers.WwwAuthenticate.ToString());
        Assert.Equal(ProblemResults.PersonChallenge, unknown.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, badKey.StatusCode);
        Assert.Equal(ProblemResults.ApiKeyChallenge, badKey.Headers.WwwAuthenticate.ToString());
        Assert.Equal(MachineAuthHarness.WithoutRequestIds(await failed.Content.ReadAsStringAsync(Ct)),
            MachineAuthHarness.WithoutRequestIds(await unknown.Content.ReadAsStringAsync(Ct)));
    }

    /// <summary>No English text has what only German has; a sentence's German values (channel, request kind) are translated.</summary>
    [Fact]
    public void No_English_error_text_contains_German_only_characters()
    {
        var resources = new ResourceManager("Pforte.Core.Resources.ErrorTexts", typeof(ErrorCodes).Assembly);
        var english = resources.GetResourceSet(ErrorTexts.English, createIfNotExists: true, tryParents: false)!;
        var offending = english.Cast<System.Collections.DictionaryEntry>()
            .Where(e => ContractRecorder.GermanOnly().IsMatch((string)e.Value!)).Select(e => $"{e.Key}: {e.Value}").ToList();
        Assert.Empty(offending);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task English_titles_name_channels_and_request_kinds_in_English(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var p = await h.AddPersonAsync();

        var (_, outbound) = await h.PostAsync(h.Ivr, "/api/v1/outbound/release", new { channel = "email", containsPersonalData = true, subjectKvnr = p.Kvnr, purpose = "Bescheid" });
        var title = outbound.GetProperty("title").GetString()!;
        Assert.Contains("online portal with mailbox", title, StringComparison.Ordinal);
        Assert.DoesNotMatch(ContractRecorder.GermanOnly(), title);
        Assert.Contains("Onlineportal", outbound.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_English_title_of_a_refused_reissue_carries_no_German_sentence()
    {
        await using var h = await MachineAuthHarness.CreateAsync("sqlite");
        var teen = await h.AddPersonAsync(Pforte.Core.Insured.InsuranceKind.Family, DateOnly.FromDateTime(DateTime.Today).AddYears(-16));

        var response = await h.Staff.PostAsJsonAsync($"/api/v1/insured/{teen.Kvnr}/code/reissue", new { reason = "Brief verloren" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(ErrorCodes.ReissueNotEligible, json.GetProperty("code").GetString());
        Assert.DoesNotContain("familienversichert", json.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("familienversichert", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_English_title_of_a_weak_code_describes_the_rule_in_English(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();

        var response = await h.ChangeAsync(person, code, "1234");

        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(ErrorCodes.WeakCode, json.GetProperty("code").GetString());
        Assert.Contains("a run like 1234", json.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Zahlenfolge", json.GetProperty("title").GetString(), StringComparison.Ordinal);
    }
}
