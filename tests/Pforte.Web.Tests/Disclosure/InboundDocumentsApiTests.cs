using System.Net;
using Pforte.Testing;

namespace Pforte.Web.Tests.Disclosure;

/// <summary>
/// Issue 11, finding 8: documents sent in were refused before anyone could read them. Receiving is never the risk;
/// the decision accepts them and says what the Kasse needs before it acts on them or answers.
/// </summary>
public sealed class InboundDocumentsApiTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Documents_sent_in_without_authentication_are_accepted_with_what_acting_on_them_needs(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var p = await h.AddPersonAsync();
        foreach (var (channel, method) in new[] { ("contact-form", "contact-form-details"), ("letter", "letter-details") })
        {
            var (response, d) = await h.DecideAsync(h.AgentA, null, channel, "send-documents", "inbound", p.Kvnr);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(d.GetProperty("allowed").GetBoolean(), channel);
            Assert.Equal("PF-DIS-024", d.GetProperty("reasonCode").GetString());
            Assert.Equal("none", d.GetProperty("achievedLevel").GetString());
            var before = d.GetProperty("beforeActing");
            Assert.Equal("hoch", before.GetProperty("level").GetString());
            Assert.Equal([method], before.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
            Assert.Equal("letter", before.GetProperty("answerBy").GetString());
            var explanation = d.GetProperty("explanation").GetString()!;
            Assert.Contains("ohne vorherige Authentifizierung entgegen", explanation, StringComparison.Ordinal);
            Assert.Contains("per Post an die hinterlegte Anschrift", explanation, StringComparison.Ordinal);
        }

        // What goes out still needs the level: the portal and phone are named with what they take, never "without authentication".
        var (_, refused) = await h.DecideAsync(h.AgentA, null, "in-person", "contributions", "outbound", p.Kvnr);
        Assert.Equal("PF-DIS-009", refused.GetProperty("reasonCode").GetString());
        var sentence = refused.GetProperty("explanation").GetString()!;
        Assert.DoesNotContain("Ohne Authentifizierung möglich", sentence, StringComparison.Ordinal);
        Assert.Contains("Telefon – Authentifizierungscode", sentence, StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, refused.GetProperty("beforeActing").ValueKind);
    }
}
