using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

/// <summary>Taking a SoftHSM2 token away makes the module rescan its slots: no other test may run meanwhile.</summary>
[CollectionDefinition(nameof(HsmOutageCollection), DisableParallelization = true)]
public sealed class HsmOutageCollection;

/// <summary>
/// The HSM away (ADR 0029): verification answers 503 like a database outage and changes nothing. (That lost sessions
/// are reopened without a restart is Pkcs11KeyStoreTests' part: SoftHSM2 itself does not take back a token whose
/// files vanished until the process loads it again, which a network HSM's reconnect does not need.)
/// </summary>
[Collection(nameof(HsmOutageCollection))]
public sealed class HsmOutageTests
{
    [Fact]
    public async Task With_the_hsm_away_verification_answers_503_and_changes_nothing()
    {
        // A token of its own: taking it away must not disturb the other tests on the shared token.
        await using var h = await MachineAuthHarness.CreateAsync("sqlite+hsm", new Dictionary<string, string?>
        {
            ["Pforte:Keys:Pkcs11:TokenLabel"] = SoftHsm.OutageTokenLabel,
        });
        var (person, code) = await h.PersonWithCodeAsync();
        var wrong = code == "7405" ? "8052" : "7405";
        var auditBefore = await h.WithDbAsync(db => db.AuditEntries.CountAsync());

        using (SoftHsm.TakeAway(SoftHsm.OutageTokenLabel))
        {
            foreach (var attempt in new[] { code, wrong })
            {
                var away = await h.VerifyAsync(MachineAuthHarness.Body(person, attempt));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, away.StatusCode);
                Assert.Equal("5", away.Headers.RetryAfter?.ToString());
                var body = JsonDocument.Parse(await away.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(ErrorCodes.HsmUnavailable, body.GetProperty("code").GetString());
            }
            Assert.Equal(auditBefore, await h.WithDbAsync(db => db.AuditEntries.CountAsync())); // no attempt recorded
            Assert.Equal(0, (await h.CodeStatusAsync(person)).GetProperty("consecutiveFailures").GetInt32());
            Assert.Equal(Pforte.Core.AuthCodes.AuthCodeState.Active,
                await h.WithDbAsync(db => db.AuthCodes.Where(a => a.PersonId == person.Id).Select(a => a.State).SingleAsync()));
        }
    }
}
