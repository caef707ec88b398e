using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

public sealed class VerifyTests
{
    private static async Task<string> CodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;

    private static string Wrong(string code) => code == "7405" ? "8052" : "7405";

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task The_right_code_with_kvnr_and_card_reaches_hoch_and_is_stored(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();

        var response = await h.VerifyAsync(MachineAuthHarness.Body(person, code));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(json.GetProperty("verified").GetBoolean());
        Assert.Equal("hoch", json.GetProperty("level").GetString());
        var id = json.GetProperty("authenticationId").GetGuid();
        var stored = await h.WithDbAsync(db => db.Authentications.SingleAsync(a => a.Id == id));
        Assert.Equal(person.Id, stored.PersonId);
        Assert.Equal(TimeSpan.FromMinutes(30), stored.ValidUntil - stored.CreatedAt);

        // On the phone the last 10 digits of the card number do.
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person, code, "phone", callerId: "+4964211234"))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task Every_failure_cause_gives_the_same_answer_and_the_true_reason_is_audited(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();
        var noCode = await h.AddPersonAsync(InsuranceKind.Family, new DateOnly(2010, 1, 1)); // 16, family-insured: none
        // A new card: the old one must fail.
        var (renewed, renewedCode) = await h.PersonWithCodeAsync();
        var newCard = TestData.Card(987_654);
        await h.WithDbAsync(async db =>
        {
            var old = await db.HealthCards.AsTracking().SingleAsync(c => c.PersonId == renewed.Id && c.EndedAt == null);
            old.EndedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
            db.HealthCards.Add(new HealthCard { Id = Guid.CreateVersion7(), PersonId = renewed.Id, CardNumber = newCard, RecordedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });

        var (locked, lockedCode) = await h.PersonWithCodeAsync();
        for (var i = 0; i < 3; i++)
        {
            await h.VerifyAsync(MachineAuthHarness.Body(locked, Wrong(lockedCode)));
        }

        var pending = await h.AddPersonAsync();
        await h.IssueDueAsync(); // pending's letter is queued, not handed over

        var cases = new (object Body, string Reason)[]
        {
            (new { kvnr = TestData.Kvnr(424_242), cardNumber = person.Card, code, channel = "portal" }, "unknown-kvnr"),
            (MachineAuthHarness.Body(person, code, card: TestData.Card(555_555)), "wrong-card"),
            (MachineAuthHarness.Body(renewed, renewedCode), "old-card"),
            (MachineAuthHarness.Body(person, Wrong(code)), "wrong-code"),
            (MachineAuthHarness.Body(noCode, "7405"), "no-code"),
            (MachineAuthHarness.Body(pending, "7405"), "code-pending"),
            (MachineAuthHarness.Body(locked, lockedCode), "code-pending"), // locked and re-issued: the new code waits for print
        };
        var bodies = new List<string>();
        foreach (var (body, _) in cases)
        {
            var response = await h.VerifyAsync(body);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(ErrorCodes.MachineAuthFailed, await CodeOf(response));
            bodies.Add(MachineAuthHarness.WithoutRequestIds(await response.Content.ReadAsStringAsync()));
        }
        Assert.Single(bodies.Distinct());

        var reasons = await h.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.CodeVerificationFailed)
            .OrderBy(e => e.Id).Select(e => e.ReasonCode!).ToListAsync());
        Assert.Equal(cases.Select(c => c.Reason), reasons.TakeLast(cases.Length));

        // The new card works with the unchanged code.
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(renewed with { Card = newCard }, renewedCode))).StatusCode);
    }

    [Theory]
    [InlineData("a123456780", "1234", "portal", null, ErrorCodes.KvnrLowerCase)]
    [InlineData("X123456789", "1234", "portal", null, ErrorCodes.KvnrCheckDigit)]
    [InlineData(null, "123", "portal", null, ErrorCodes.MachineAuthCodeFormat)]
    [InlineData(null, "12345", "portal", null, ErrorCodes.MachineAuthCodeFormat)]
    [InlineData(null, "12a4", "portal", null, ErrorCodes.MachineAuthCodeFormat)]
    [InlineData(null, "١٢٣٤", "portal", null, ErrorCodes.MachineAuthCodeFormat)]
    [InlineData(null, "1234", "fax", null, ErrorCodes.MachineAuthChannel)]
    [InlineData(null, "1234", "portal", "0000123456", ErrorCodes.MachineAuthCardFormat)]
    [InlineData(null, "1234", "phone", "123456", ErrorCodes.MachineAuthCardFormat)]
    public async Task Malformed_input_is_400_with_its_own_code_and_counts_nothing(string? kvnr, string code, string channel, string? card, string expected)
    {
        await using var h = await MachineAuthHarness.CreateAsync("sqlite");
        var (person, _) = await h.PersonWithCodeAsync();
        var response = await h.VerifyAsync(new { kvnr = kvnr ?? person.Kvnr, cardNumber = card ?? person.Card, code, channel });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, await CodeOf(response));
        Assert.Equal(0, await h.WithDbAsync(db => db.AuthCodes.Where(a => a.PersonId == person.Id).Select(a => a.Failures).SingleAsync()));
        Assert.Equal(0, await h.WithDbAsync(db => db.SourceFailures.CountAsync()));
    }

    [Fact]
    public async Task An_oversized_or_broken_body_is_400_or_413_with_a_code()
    {
        await using var h = await MachineAuthHarness.CreateAsync("sqlite");
        var broken = await h.Ivr.PostAsync("/api/v1/machine-auth/verify", new StringContent("{\"kvnr\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(ErrorCodes.ApiMalformedBody, await CodeOf(broken));
        var huge = await h.Ivr.PostAsync("/api/v1/machine-auth/verify", new StringContent("{\"kvnr\":\"" + new string('A', 100_000) + "\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(ErrorCodes.ApiBodyTooLarge, await CodeOf(huge));
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task The_third_wrong_code_locks_reissues_by_letter_and_the_old_code_is_dead(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();

        await h.VerifyAsync(MachineAuthHarness.Body(person, Wrong(code)));
        await h.VerifyAsync(MachineAuthHarness.Body(person, Wrong(code)));
        Assert.Equal(2, (await h.CodeStatusAsync(person)).GetProperty("consecutiveFailures").GetInt32());
        await h.VerifyAsync(MachineAuthHarness.Body(person, Wrong(code)));

        var status = await h.CodeStatusAsync(person);
        Assert.Equal("letter-pending", status.GetProperty("state").GetString());
        Assert.Equal(AuthCodeReasons.TooManyFailures, status.GetProperty("reason").GetString());
        Assert.Contains(status.GetProperty("letters").EnumerateArray(), l => l.GetProperty("kind").GetString() == LetterKinds.CodeReissuedAfterLock);

        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
        var codes = await h.HandOverAsync();
        var fresh = codes[person.Kvnr];
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(person, code == fresh ? Wrong(fresh) : code))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person, fresh))).StatusCode);
        Assert.Equal(0, (await h.CodeStatusAsync(person)).GetProperty("consecutiveFailures").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task A_success_resets_the_count(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();
        await h.VerifyAsync(MachineAuthHarness.Body(person, Wrong(code)));
        await h.VerifyAsync(MachineAuthHarness.Body(person, Wrong(code)));
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
        await h.VerifyAsync(MachineAuthHarness.Body(person, Wrong(code)));
        await h.VerifyAsync(MachineAuthHarness.Body(person, Wrong(code)));
        Assert.Equal("active", (await h.CodeStatusAsync(person)).GetProperty("state").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Beyond_the_reissue_cap_the_code_stays_locked_and_a_notice_goes_out(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                await h.VerifyAsync(MachineAuthHarness.Body(person, Wrong(code)));
            }
            var printed = await h.HandOverAsync();
            if (printed.TryGetValue(person.Kvnr, out var next))
            {
                code = next;
            }
        }
        var status = await h.CodeStatusAsync(person);
        Assert.Equal("locked", status.GetProperty("state").GetString());
        Assert.Equal(AuthCodeReasons.ReissueCapReached, status.GetProperty("reason").GetString());
        var kinds = status.GetProperty("letters").EnumerateArray().Select(l => l.GetProperty("kind").GetString()).ToList();
        Assert.Equal(2, kinds.Count(k => k == LetterKinds.CodeReissuedAfterLock));
        Assert.Equal(1, kinds.Count(k => k == LetterKinds.CodeLocked));
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_source_failing_on_many_accounts_is_throttled_with_retry_after(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Throttling:MaxAccountsPerSource"] = "5" });
        var persons = new List<MachineAuthHarness.Person>();
        for (var i = 0; i < 6; i++)
        {
            persons.Add(await h.AddPersonAsync());
        }
        await h.IssueDueAsync();
        await h.HandOverAsync();
        // Spraying: 1234-style single guesses on many accounts from one calling number.
        foreach (var p in persons.Take(5))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(p, "7405", "phone", callerId: "+491701234567"))).StatusCode);
        }
        var throttled = await h.VerifyAsync(MachineAuthHarness.Body(persons[5], "7405", "phone", callerId: "+491701234567"));
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(ErrorCodes.MachineAuthThrottled, await CodeOf(throttled));
        // Another caller is not affected, and no single account was locked by the spray.
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(persons[5], "7405", "phone", callerId: "+4930999"))).StatusCode);
        Assert.True(await h.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.SourceThrottled)));
        Assert.All(persons, p => Assert.NotEqual("locked", h.CodeStatusAsync(p).Result.GetProperty("state").GetString()));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_spray_arriving_all_at_once_is_counted_within_its_batch(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Throttling:MaxAccountsPerSource"] = "5" });
        var persons = new List<MachineAuthHarness.Person>();
        for (var i = 0; i < 8; i++)
        {
            persons.Add(await h.AddPersonAsync());
        }
        await h.IssueDueAsync();
        await h.HandOverAsync();
        // Eight guesses on eight accounts at the same moment: they share group-commit batches, so the window must
        // count the failures of its own batch, not only those already stored.
        var answers = await Task.WhenAll(persons.Select(p => h.VerifyAsync(MachineAuthHarness.Body(p, "7405", "phone", callerId: "+491709999999"))));
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Unauthorized, (HttpStatusCode)429 }));
        Assert.True(await h.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.SourceThrottled)));
        Assert.Equal((HttpStatusCode)429, (await h.VerifyAsync(MachineAuthHarness.Body(persons[0], "7405", "phone", callerId: "+491709999999"))).StatusCode);
        var failures = await h.WithDbAsync(db => db.SourceFailures.CountAsync(f => f.SourceKey == SourceThrottle.KeysFor(h.Kasse.Id, "+491709999999", null, Guid.Empty)[0]));
        Assert.Equal(answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), failures);
    }

    [Fact]
    public async Task The_machine_procedure_taken_off_the_phone_in_the_settings_is_refused_there_and_counts_nothing()
    {
        await using var h = await MachineAuthHarness.CreateAsync("sqlite", new Dictionary<string, string?> { ["Pforte:Channels:phone:Methods:0"] = "phone-questions" });
        var (person, code) = await h.PersonWithCodeAsync();
        var refused = await h.VerifyAsync(MachineAuthHarness.Body(person, Wrong(code), "phone"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(ErrorCodes.AuthMethodNotOffered, await CodeOf(refused));
        Assert.Equal(0, (await h.CodeStatusAsync(person)).GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person, code, "portal"))).StatusCode);
    }
}
