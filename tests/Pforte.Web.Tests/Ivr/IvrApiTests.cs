using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.AuthCodes;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Testing;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Ivr;

/// <summary>The dialogue's two renderings over HTTP — JSON and VoiceXML 2.1 (validated against docs/ivr/vxml21-subset.xsd) — on both databases.</summary>
public sealed class IvrApiTests
{
    private static CancellationToken Ct => IvrDriver.Ct;

    private static string Wrong(string code) => code == "7405" ? "8052" : "7405";

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<(HttpStatusCode Status, string Code)> Problem(HttpResponseMessage response) =>
        (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString()!);

    private static Task<HttpResponseMessage> Input(MachineAuthHarness h, string callId, object body) =>
        h.Ivr.PostAsJsonAsync($"/api/v1/ivr/calls/{Uri.EscapeDataString(callId)}/input", body, Ct);

    private static Task<HttpResponseMessage> Keys(MachineAuthHarness h, string callId, string digits) => Input(h, callId, new { kind = "dtmf", digits });

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Json_dialogue_verifies_and_the_workspace_finds_the_authentication_by_call_id(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();

        var start = await Ok(await h.Ivr.PostAsJsonAsync("/api/v1/ivr/calls", new { callId = "GC-4711", callerId = "06421 123456", dialledNumber = "0800 1234567" }, Ct));
        Assert.Equal("collect", start.GetProperty("action").GetString());
        Assert.Equal("welcome", start.GetProperty("prompts")[0].GetProperty("id").GetString());
        Assert.Equal(11, start.GetProperty("collect").GetProperty("maxDigits").GetInt32());
        await Ok(await Keys(h, "GC-4711", IvrDriver.Keyed(person.Kvnr)));
        await Ok(await Keys(h, "GC-4711", "1"));
        await Ok(await Keys(h, "GC-4711", person.Card[^10..]));
        var end = await Ok(await Keys(h, "GC-4711", code));
        Assert.Equal(("transfer", "verified"), (end.GetProperty("action").GetString(), end.GetProperty("handoverReason").GetString()));
        var authenticationId = end.GetProperty("authenticationId").GetGuid();

        var record = await Ok(await h.Staff.GetAsync("/api/v1/ivr/calls/GC-4711", Ct));
        Assert.True(record.GetProperty("verified").GetBoolean());
        Assert.Equal(authenticationId, record.GetProperty("authenticationId").GetGuid());
        Assert.Equal(person.Id, record.GetProperty("personId").GetGuid());
        Assert.Equal("hoch", record.GetProperty("authenticationLevel").GetString());
        Assert.Equal("+496421123456", record.GetProperty("callerId").GetString());
        Assert.Equal("+498001234567", record.GetProperty("dialledNumber").GetString());
        var stored = await h.WithDbAsync(db => db.Authentications.SingleAsync(a => a.CallId == "GC-4711", Ct));
        Assert.Equal(authenticationId, stored.Id);
        // The IVR's own key does not read hand-over records; the staff key does not drive calls.
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Ivr.GetAsync("/api/v1/ivr/calls/GC-4711", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Staff.PostAsJsonAsync("/api/v1/ivr/calls", new { callId = "x" }, Ct)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Three_wrong_codes_over_the_api_lock_exactly_as_verify_does(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();
        var (viaVerify, verifyCode) = await h.PersonWithCodeAsync();

        await Ok(await h.Ivr.PostAsJsonAsync("/api/v1/ivr/calls", new { callId = "lock-1", callerId = "+4964211234" }, Ct));
        JsonElement last = default;
        for (var round = 0; round < 3; round++)
        {
            await Ok(await Keys(h, "lock-1", IvrDriver.Keyed(person.Kvnr)));
            await Ok(await Keys(h, "lock-1", "1"));
            await Ok(await Keys(h, "lock-1", person.Card[^10..]));
            last = await Ok(await Keys(h, "lock-1", Wrong(code)));
        }
        Assert.Equal("not-verified", last.GetProperty("handoverReason").GetString());
        for (var round = 0; round < 3; round++)
        {
            await h.VerifyAsync(MachineAuthHarness.Body(viaVerify, Wrong(verifyCode), "phone", callerId: "+4964215678"));
        }
        var ivrStatus = await h.CodeStatusAsync(person);
        var verifyStatus = await h.CodeStatusAsync(viaVerify);
        foreach (var field in new[] { "state", "reason" })
        {
            Assert.Equal(verifyStatus.GetProperty(field).GetRawText(), ivrStatus.GetProperty(field).GetRawText());
        }
        var rows = await h.WithDbAsync(db => db.AuthCodes.AsNoTracking().Where(c => c.PersonId == person.Id || c.PersonId == viaVerify.Id).ToListAsync(Ct));
        Assert.All(rows, r => Assert.Equal(AuthCodeState.Pending, r.State));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Bad_requests_get_a_stable_code_and_another_clients_call_stays_hidden(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (_, otherKey) = await h.Factory.CreateClientAsync("ivr-2", TestData.Ik, ApiScopes.MachineAuth);
        using var other = h.Factory.ClientWithKey(otherKey);
        await Ok(await h.Ivr.PostAsJsonAsync("/api/v1/ivr/calls", new { callId = "mine" }, Ct));

        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.IvrInputKindUnknown), await Problem(await Input(h, "mine", new { kind = "fax" })));
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.IvrInputMissing), await Problem(await Input(h, "mine", new { kind = "dtmf" })));
        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.IvrCallUnknown), await Problem(await Keys(h, "unknown", "1")));
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.IvrCallIdInvalid), await Problem(await h.Ivr.PostAsJsonAsync("/api/v1/ivr/calls", new { callId = "" }, Ct)));
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.InputCallerId), await Problem(await h.Ivr.PostAsJsonAsync("/api/v1/ivr/calls", new { callId = "c", callerId = "anonymous" }, Ct)));
        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.IvrCallUnknown), await Problem(await other.PostAsJsonAsync("/api/v1/ivr/calls/mine/input", new { kind = "dtmf", digits = "0" }, Ct)));
        Assert.Equal((HttpStatusCode.Conflict, ErrorCodes.IvrCallOtherClient), await Problem(await other.PostAsJsonAsync("/api/v1/ivr/calls", new { callId = "mine" }, Ct)));
        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.IvrCallUnknown), await Problem(await h.Staff.GetAsync("/api/v1/ivr/calls/unknown", Ct)));
        // Unchanged: the call still asks for the insurance number.
        Assert.Equal("kvnr", (await Ok(await Input(h, "mine", new { kind = "repeat" }))).GetProperty("collect").GetProperty("field").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task VoiceXml_documents_of_a_whole_dialogue_validate_against_the_schema_and_verify_the_caller(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Ivr:AgentDestination"] = "tel:+4964219999" });
        var (person, code) = await h.PersonWithCodeAsync();

        var start = await VoiceXmlAsync(await h.Ivr.GetAsync("/api/v1/ivr/vxml/start?callId=vx-1&callerId=%2B4964211234", Ct));
        Assert.Equal(["welcome", "kvnr.ask"], Marks(start));
        var next = Submit(start);
        Assert.Equal("/api/v1/ivr/vxml/calls/vx-1/input", next);
        Assert.Equal(["noinput", "kvnr.ask"], Marks(await VoiceXmlAsync(await PostForm(h, next, "noinput"))));
        await VoiceXmlAsync(await PostForm(h, next, "dtmf", IvrDriver.Keyed(person.Kvnr)));
        await VoiceXmlAsync(await PostForm(h, next, "dtmf", "1"));
        await VoiceXmlAsync(await PostForm(h, next, "dtmf", person.Card[^10..]));
        var end = await VoiceXmlAsync(await PostForm(h, next, "dtmf", code));
        XNamespace v = Pforte.Web.Api.IvrVoiceXml.Namespace;
        Assert.Equal("tel:+4964219999", end.Descendants(v + "transfer").Single().Attribute("dest")!.Value);
        Assert.Equal("'verified'", end.Descendants(v + "var").Single(e => e.Attribute("name")!.Value == "reason").Attribute("expr")!.Value);
        Assert.Equal("vx-1", (await h.WithDbAsync(db => db.Authentications.SingleAsync(Ct))).CallId);

        // A hang-up, and a hand-over without a configured destination (the document exits, the platform transfers).
        await VoiceXmlAsync(await h.Ivr.GetAsync("/api/v1/ivr/vxml/start?callId=vx-2", Ct));
        var hungUp = await VoiceXmlAsync(await PostForm(h, "/api/v1/ivr/vxml/calls/vx-2/input", "hangup"));
        Assert.Single(hungUp.Descendants(v + "exit"));
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.IvrInputKindUnknown), await Problem(await PostForm(h, "/api/v1/ivr/vxml/calls/vx-2/input", "")));
    }

    [Fact]
    public void The_exit_document_without_a_destination_validates_too()
    {
        var turn = new Pforte.Core.Ivr.IvrTurn("c", "handed-over", "transfer", [Pforte.Core.Ivr.IvrPrompts.Get(Pforte.Core.Ivr.IvrPrompts.Transfer)], null, "caller-request", null);
        var document = Validate(Pforte.Web.Api.IvrVoiceXml.Render(turn, "/x", null));
        Assert.Single(document.Descendants(XNamespace.Get(Pforte.Web.Api.IvrVoiceXml.Namespace) + "exit"));
        // And the schema is strict enough to refuse what VoiceXML does not allow.
        Assert.Throws<XmlSchemaValidationException>(() => Validate("<vxml xmlns='http://www.w3.org/2001/vxml' version='2.1'><form><field name='x'><submit next='/y' method='put'/></field></form></vxml>"));
        Assert.Throws<XmlSchemaValidationException>(() => Validate("<vxml xmlns='http://www.w3.org/2001/vxml' version='3.0'/>"));
    }

    private static Task<HttpResponseMessage> PostForm(MachineAuthHarness h, string url, string kind, string? digits = null)
    {
        var fields = new Dictionary<string, string> { ["kind"] = kind };
        if (digits is not null)
        {
            fields["digits"] = digits;
        }
        return h.Ivr.PostAsync(url, new FormUrlEncodedContent(fields), Ct);
    }

    private static async Task<XDocument> VoiceXmlAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(Pforte.Web.Api.IvrVoiceXml.ContentType, response.Content.Headers.ContentType!.MediaType);
        return Validate(text);
    }

    private static string[] Marks(XDocument document) =>
        [.. document.Descendants(XNamespace.Get(Pforte.Web.Api.IvrVoiceXml.Namespace) + "mark").Select(m => m.Attribute("name")!.Value)];

    private static string Submit(XDocument document) =>
        document.Descendants(XNamespace.Get(Pforte.Web.Api.IvrVoiceXml.Namespace) + "submit").First().Attribute("next")!.Value;

    private static readonly Lazy<XmlSchemaSet> Schemas = new(() =>
    {
        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        set.Add("http://www.w3.org/2001/vxml", Path.Combine(AppContext.BaseDirectory, "Ivr", "Schema", "vxml21-subset.xsd"));
        set.Compile();
        return set;
    });

    private static XDocument Validate(string xml)
    {
        var document = XDocument.Parse(xml);
        document.Validate(Schemas.Value, (_, e) => throw new XmlSchemaValidationException(e.Message, e.Exception), addSchemaInfo: false);
        return document;
    }
}
