using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Ivr;
using Pforte.Testing;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Ivr;

/// <summary>Every path of the phone dialogue's state machine, on the real machine procedure and both databases.</summary>
public sealed class IvrDialogueTests
{
    private static CancellationToken Ct => IvrDriver.Ct;

    private static string Wrong(string code) => code == "7405" ? "8052" : "7405";

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_verified_call_is_an_authentication_bound_to_its_call_id_and_handed_over(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, code) = await h.PersonWithCodeAsync();

        var start = (await ivr.StartAsync("call-1")).Value;
        Assert.Equal(["welcome", "kvnr.ask"], IvrDriver.PromptIds(start));
        Assert.Equal(new IvrCollect("kvnr", 1, 11, 10), start.Collect);
        var readBack = (await ivr.KeysAsync("call-1", IvrDriver.Keyed(person.Kvnr))).Value;
        Assert.Equal(["kvnr.readback"], IvrDriver.PromptIds(readBack));
        Assert.Contains(IvrPrompts.Spell(person.Kvnr), readBack.Prompts[0].Text, StringComparison.Ordinal);
        Assert.Equal("card", (await ivr.KeysAsync("call-1", "1")).Value.Collect!.Field);
        Assert.Contains("10 Ziffern", (await ivr.SendAsync("call-1", IvrInputKinds.Repeat)).Value.Prompts[0].Text, StringComparison.Ordinal);
        Assert.Equal("code", (await ivr.KeysAsync("call-1", person.Card[^10..])).Value.Collect!.Field);
        var end = (await ivr.KeysAsync("call-1", code)).Value;

        Assert.Equal(("handed-over", "transfer", "verified"), (end.State, end.Action, end.HandoverReason));
        Assert.Equal(["verified", "transfer"], IvrDriver.PromptIds(end));
        var authentication = await h.WithDbAsync(db => db.Authentications.SingleAsync(a => a.Id == end.AuthenticationId, Ct));
        Assert.Equal(("call-1", person.Id, "phone", TrustLevels.Hoch), (authentication.CallId, authentication.PersonId, authentication.Channel, authentication.Level));
        // The workspace finds it by the call id (index kasse_id, call_id).
        Assert.Equal(end.AuthenticationId, await h.WithDbAsync(db => db.Authentications.Where(a => a.KasseId == h.Kasse.Id && a.CallId == "call-1").Select(a => (Guid?)a.Id).SingleAsync(Ct)));

        var call = await ivr.CallAsync("call-1");
        Assert.Equal((IvrCallState.HandedOver, null as string, person.Id), (call.State, call.CardDigits, call.PersonId));
        var handedOver = Assert.Single(await ivr.AuditAsync(AuditAction.IvrCallHandedOver));
        Assert.Equal(("verified", person.Id, "call-1", "+4964211234567"), (handedOver.ReasonCode, handedOver.SubjectPersonId, handedOver.SourceCallId, handedOver.SourceCallerId));
        var verified = Assert.Single(await ivr.AuditAsync(AuditAction.CodeVerified));
        Assert.Equal("call-1", verified.SourceCallId);
        Assert.Equal(ErrorCodes.IvrCallUnknown, (await ivr.KeysAsync("call-1", "1")).Error?.Code); // the call has ended
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Three_wrong_codes_lock_the_code_exactly_as_verify_does_and_the_call_goes_to_an_agent(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, code) = await h.PersonWithCodeAsync();

        await ivr.StartAsync("call-2");
        var first = await ivr.DialogueAsync("call-2", person, Wrong(code));
        Assert.Equal(["failed", "again", "kvnr.ask"], IvrDriver.PromptIds(first));
        Assert.Equal("kvnr", first.Collect!.Field);
        await ivr.DialogueAsync("call-2", person, Wrong(code));
        var last = await ivr.DialogueAsync("call-2", person, Wrong(code));
        Assert.Equal(("handed-over", "not-verified"), (last.State, last.HandoverReason));
        Assert.Equal(["failed", "transfer"], IvrDriver.PromptIds(last));

        var failures = await ivr.AuditAsync(AuditAction.CodeVerificationFailed);
        Assert.Equal(["wrong-code", "wrong-code", "wrong-code-locked"], failures.Select(f => f.ReasonCode));
        var row = await h.WithDbAsync(db => db.AuthCodes.AsNoTracking().SingleAsync(c => c.PersonId == person.Id, Ct));
        Assert.Equal(AuthCodeState.Pending, row.State); // locked and re-issued by letter, as after three failures at /verify
        Assert.Single(await ivr.AuditAsync(AuditAction.CodeLocked));
        // And now even the right code fails — as at /verify.
        await ivr.StartAsync("call-2b");
        Assert.Equal(["failed", "again", "kvnr.ask"], IvrDriver.PromptIds(await ivr.DialogueAsync("call-2b", person, code)));
        Assert.Equal("code-pending", (await ivr.AuditAsync(AuditAction.CodeVerificationFailed))[^1].ReasonCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Unknown_kvnr_wrong_card_and_pending_letter_sound_the_same_and_only_the_audit_knows_why(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, code) = await h.PersonWithCodeAsync();
        var pending = await h.AddPersonAsync();
        await h.IssueDueAsync(); // issued, letter not yet handed over: pending

        var unknown = new MachineAuthHarness.Person(Guid.Empty, TestData.Kvnr(99_999), TestData.Card(99_999), default);
        var turns = new List<string[]>();
        var n = 0;
        foreach (var (who, card, tried) in new[] { (unknown, unknown.Card[^10..], code), (person, unknown.Card[^10..], code), (pending, pending.Card[^10..], code) })
        {
            var callId = $"call-3-{n++}";
            var start = await ivr.StartAsync(callId);
            var kvnr = await ivr.KeysAsync(callId, IvrDriver.Keyed(who.Kvnr));
            var confirm = await ivr.KeysAsync(callId, "1");
            var cardTurn = await ivr.KeysAsync(callId, card);
            var end = await ivr.KeysAsync(callId, tried);
            turns.Add([.. new[] { start, kvnr, confirm, cardTurn, end }.SelectMany(t => IvrDriver.PromptIds(t.Value).Append(t.Value.Collect?.Field ?? t.Value.Action))]);
        }
        Assert.Equal(turns[0], turns[1]);
        Assert.Equal(turns[0], turns[2]);
        Assert.Equal(["unknown-kvnr", "wrong-card", "code-pending"], (await ivr.AuditAsync(AuditAction.CodeVerificationFailed)).Select(e => e.ReasonCode));
        Assert.Equal(0, (await h.WithDbAsync(db => db.AuthCodes.SingleAsync(c => c.PersonId == person.Id, Ct))).Failures); // a wrong card counts nothing
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_lock_during_the_call_makes_the_right_code_fail(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, code) = await h.PersonWithCodeAsync();

        await ivr.StartAsync("call-4");
        await ivr.KeysAsync("call-4", IvrDriver.Keyed(person.Kvnr));
        await ivr.KeysAsync("call-4", "1");
        await ivr.KeysAsync("call-4", person.Card[^10..]);
        // Meanwhile an agent re-issues the code (locks the old one at once).
        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<ReissueAuthCode>().ExecuteAsync(h.Kasse.Id, person.Kvnr, "Brief verloren", AuditContext.System("test"), Ct)).IsSuccess);
        }
        var end = (await ivr.KeysAsync("call-4", code)).Value;
        Assert.Equal(["failed", "again", "kvnr.ask"], IvrDriver.PromptIds(end));
        Assert.Equal("code-pending", Assert.Single(await ivr.AuditAsync(AuditAction.CodeVerificationFailed)).ReasonCode);
        Assert.Empty(await h.WithDbAsync(db => db.Authentications.ToListAsync(Ct)));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Hanging_up_mid_way_ends_the_call_forgets_the_card_digits_and_is_audited(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, _) = await h.PersonWithCodeAsync();

        await ivr.StartAsync("call-5");
        await ivr.KeysAsync("call-5", IvrDriver.Keyed(person.Kvnr));
        await ivr.KeysAsync("call-5", "1");
        await ivr.KeysAsync("call-5", person.Card[^10..]);
        Assert.Equal(person.Card[^10..], (await ivr.CallAsync("call-5")).CardDigits);
        var end = (await ivr.SendAsync("call-5", IvrInputKinds.Hangup)).Value;
        Assert.Equal(("hung-up", "hangup"), (end.State, end.Action));
        Assert.Empty(end.Prompts);
        var call = await ivr.CallAsync("call-5");
        Assert.Equal((IvrCallState.HungUp, null as string), (call.State, call.CardDigits));
        Assert.Equal("code", Assert.Single(await ivr.AuditAsync(AuditAction.IvrCallHungUp)).ReasonCode);
        Assert.Equal(ErrorCodes.IvrCallUnknown, (await ivr.KeysAsync("call-5", "1234")).Error?.Code);
        Assert.Equal(ErrorCodes.IvrCallUnknown, (await ivr.StartAsync("call-5")).Error?.Code); // an ended call does not start again
        Assert.Empty(await ivr.AuditAsync(AuditAction.CodeVerificationFailed, AuditAction.CodeVerified));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Timeouts_and_invalid_input_are_counted_per_field_and_the_third_goes_to_an_agent(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, _) = await h.PersonWithCodeAsync();

        await ivr.StartAsync("call-6");
        Assert.Equal(["noinput", "kvnr.ask"], IvrDriver.PromptIds((await ivr.SendAsync("call-6", IvrInputKinds.NoInput)).Value));
        Assert.Equal(["kvnr.invalid", "kvnr.ask"], IvrDriver.PromptIds((await ivr.KeysAsync("call-6", "99123456789")).Value)); // letter 99
        Assert.Equal(["kvnr.ask"], IvrDriver.PromptIds((await ivr.KeysAsync("call-6", "*")).Value)); // repeat: not counted
        var third = (await ivr.SendAsync("call-6", IvrInputKinds.NoInput)).Value;
        Assert.Equal(("handed-over", "no-input"), (third.State, third.HandoverReason));
        Assert.Equal(["noinput", "transfer"], IvrDriver.PromptIds(third));

        // A new field starts with three tries again; a check digit that does not fit is invalid input.
        await ivr.StartAsync("call-6b");
        var bad = IvrDriver.Keyed(person.Kvnr)[..10] + (char)('0' + ((person.Kvnr[9] - '0' + 1) % 10));
        Assert.Equal(["kvnr.invalid", "kvnr.ask"], IvrDriver.PromptIds((await ivr.KeysAsync("call-6b", bad)).Value));
        await ivr.KeysAsync("call-6b", IvrDriver.Keyed(person.Kvnr));
        Assert.Equal(["confirm.invalid", "kvnr.readback"], IvrDriver.PromptIds((await ivr.KeysAsync("call-6b", "7")).Value));
        Assert.Equal("kvnr", (await ivr.KeysAsync("call-6b", "2")).Value.Collect!.Field); // "correct it"
        await ivr.KeysAsync("call-6b", IvrDriver.Keyed(person.Kvnr));
        await ivr.KeysAsync("call-6b", "1");
        Assert.Equal(["card.invalid", "card.ask"], IvrDriver.PromptIds((await ivr.KeysAsync("call-6b", "123")).Value));
        Assert.Equal(["card.invalid", "card.ask"], IvrDriver.PromptIds((await ivr.SendAsync("call-6b", IvrInputKinds.NoMatch)).Value));
        var last = (await ivr.KeysAsync("call-6b", "12")).Value;
        Assert.Equal("invalid-input", last.HandoverReason);
        Assert.Empty(await ivr.AuditAsync(AuditAction.CodeVerificationFailed)); // nothing reached the machine procedure
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Zero_asks_for_an_agent_and_speech_delivers_the_same_fields(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, code) = await h.PersonWithCodeAsync();

        await ivr.StartAsync("call-7");
        var agent = (await ivr.KeysAsync("call-7", "0")).Value;
        Assert.Equal(("transfer", "caller-request"), (agent.Action, agent.HandoverReason));

        await ivr.StartAsync("call-7b");
        var spokenKvnr = $"{char.ToLowerInvariant(person.Kvnr[0])} {person.Kvnr[1..4]} {person.Kvnr[4..7]} {person.Kvnr[7..]}";
        Assert.Equal("kvnr-confirm", (await ivr.SendAsync("call-7b", IvrInputKinds.Speech, spokenKvnr)).Value.Collect!.Field);
        await ivr.SendAsync("call-7b", IvrInputKinds.Speech, "1");
        var card = person.Card[^10..];
        await ivr.SendAsync("call-7b", IvrInputKinds.Speech, $"{card[..5]} {card[5..]}");
        var end = (await ivr.SendAsync("call-7b", IvrInputKinds.Speech, string.Join(' ', code.ToCharArray()))).Value;
        Assert.Equal("verified", end.HandoverReason);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_caller_flagged_for_another_way_is_routed_to_an_agent_without_a_code_check(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, _) = await h.PersonWithCodeAsync();
        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AlternativeAuthentication>().SetAsync(h.Kasse.Id, person.Kvnr, true, AuditContext.System("test"), Ct);
        }

        await ivr.StartAsync("call-8");
        await ivr.KeysAsync("call-8", IvrDriver.Keyed(person.Kvnr));
        await ivr.KeysAsync("call-8", "1");
        var turn = (await ivr.KeysAsync("call-8", person.Card[^10..])).Value;
        Assert.Equal(("transfer", "alternative-authentication"), (turn.Action, turn.HandoverReason));
        Assert.Empty(await ivr.AuditAsync(AuditAction.CodeVerificationFailed, AuditAction.CodeVerified));

        // Without the card, the flag is nobody's business: the same code question as for everyone.
        await ivr.StartAsync("call-8b");
        await ivr.KeysAsync("call-8b", IvrDriver.Keyed(person.Kvnr));
        await ivr.KeysAsync("call-8b", "1");
        Assert.Equal("code", (await ivr.KeysAsync("call-8b", "1234567890")).Value.Collect!.Field);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Two_calls_for_one_person_share_the_failure_count_and_each_verified_call_gets_its_own_authentication(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, code) = await h.PersonWithCodeAsync();

        // Both calls verify at the same moment: two authentications, each bound to its call.
        await Task.WhenAll(ivr.StartAsync("a"), ivr.StartAsync("b"));
        var both = await Task.WhenAll(ivr.DialogueAsync("a", person, code), ivr.DialogueAsync("b", person, code));
        Assert.All(both, t => Assert.Equal("verified", t.HandoverReason));
        var bound = await h.WithDbAsync(db => db.Authentications.Where(a => a.PersonId == person.Id).Select(a => a.CallId).OrderBy(c => c).ToListAsync(Ct));
        Assert.Equal(["a", "b"], bound);

        // Wrong codes in two parallel calls count on the one account: the third locks it, whichever call keyed it.
        await Task.WhenAll(ivr.StartAsync("c"), ivr.StartAsync("d"));
        await Task.WhenAll(ivr.DialogueAsync("c", person, Wrong(code)), ivr.DialogueAsync("d", person, Wrong(code)));
        await ivr.DialogueAsync("c", person, Wrong(code));
        Assert.Equal(["wrong-code", "wrong-code", "wrong-code-locked"], (await ivr.AuditAsync(AuditAction.CodeVerificationFailed)).Select(e => e.ReasonCode));
        Assert.Equal(AuthCodeState.Pending, (await h.WithDbAsync(db => db.AuthCodes.SingleAsync(c => c.PersonId == person.Id, Ct))).State);
        await MachineAuth.GroupCommitTests.AssertChainsIntactAsync(h);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_same_code_input_sent_twice_at_once_is_checked_once(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, code) = await h.PersonWithCodeAsync();

        await ivr.StartAsync("dup");
        await ivr.KeysAsync("dup", IvrDriver.Keyed(person.Kvnr));
        await ivr.KeysAsync("dup", "1");
        await ivr.KeysAsync("dup", person.Card[^10..]);
        // Several at once, so that some share one verification batch and others come in batches after it (four: a late one
        // is the KVNR field's input, the third such hands the call over, and a fifth would find it ended).
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ivr.KeysAsync("dup", Wrong(code))));
        // One is checked; the others meet the claimed call (409) or, read after that check, are the next field's input.
        Assert.Contains(answers, a => a.IsSuccess);
        Assert.Single(await ivr.AuditAsync(AuditAction.CodeVerificationFailed));
        Assert.Equal(1, (await h.WithDbAsync(db => db.AuthCodes.SingleAsync(c => c.PersonId == person.Id, Ct))).Failures);
        Assert.All(answers.Where(a => !a.IsSuccess), a => Assert.Equal(ErrorCodes.IvrCallConflict, a.Error!.Code));
        await MachineAuth.GroupCommitTests.AssertChainsIntactAsync(h);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Starting_a_running_call_again_repeats_its_question_and_an_expired_call_id_starts_afresh(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, _) = await h.PersonWithCodeAsync();
        await ivr.StartAsync("again");
        await ivr.KeysAsync("again", IvrDriver.Keyed(person.Kvnr));
        await ivr.KeysAsync("again", "1");

        // The platform sends the start once more (a retry): the call goes on where it was.
        var repeated = (await ivr.StartAsync("again")).Value;
        Assert.Equal(("active", "card"), (repeated.State, repeated.Collect!.Field));
        Assert.Equal((IvrStep.Card, person.Kvnr), ((await ivr.CallAsync("again")).Step, (await ivr.CallAsync("again")).Kvnr));

        // Long after it expired, the same id is a new call that knows nothing of the old one.
        await h.WithDbAsync(db => db.IvrCalls.Where(c => c.CallId == "again").ExecuteUpdateAsync(u => u.SetProperty(c => c.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct));
        var fresh = (await ivr.StartAsync("again")).Value;
        Assert.Equal(("active", "kvnr"), (fresh.State, fresh.Collect!.Field));
        var call = await ivr.CallAsync("again");
        Assert.Equal((IvrStep.Kvnr, null as string, 1), (call.Step, call.Kvnr, call.Version));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_throttled_caller_id_is_handed_over_at_the_code_and_nothing_is_counted(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);
        var (person, code) = await h.PersonWithCodeAsync();
        await ivr.StartAsync("blocked", "+4930555000111");
        // The caller id got blocked (by failures elsewhere) while this call was under way.
        await h.WithDbAsync(async db =>
        {
            db.SourceBlocks.Add(new SourceBlock { SourceKey = SourceThrottle.KeysFor(h.Kasse.Id, "+4930555000111", null, Guid.Empty)[0], Until = DateTimeOffset.UtcNow.AddMinutes(10) });
            return await db.SaveChangesAsync(Ct);
        });

        var turn = await ivr.DialogueAsync("blocked", person, code);

        Assert.Equal(("transfer", "throttled"), (turn.Action, turn.HandoverReason));
        Assert.Null(turn.AuthenticationId);
        Assert.Empty(await ivr.AuditAsync(AuditAction.CodeVerified, AuditAction.CodeVerificationFailed));
        Assert.Equal("throttled", Assert.Single(await ivr.AuditAsync(AuditAction.IvrCallHandedOver)).ReasonCode);
        var call = await ivr.CallAsync("blocked");
        Assert.Equal((IvrCallState.HandedOver, null, null), (call.State, call.CardDigits, call.AuthenticationId));
        Assert.Equal(0, (await h.WithDbAsync(db => db.AuthCodes.SingleAsync(c => c.PersonId == person.Id, Ct))).Failures);
        await MachineAuth.GroupCommitTests.AssertChainsIntactAsync(h);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Bad_input_of_any_shape_is_refused_and_changes_nothing(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var ivr = new IvrDriver(h);

        Assert.Equal(ErrorCodes.IvrCallIdInvalid, (await ivr.StartAsync("")).Error?.Code);
        Assert.Equal(ErrorCodes.IvrCallIdInvalid, (await ivr.StartAsync("a b")).Error?.Code);
        Assert.Equal(ErrorCodes.IvrCallIdInvalid, (await ivr.StartAsync(new string('x', 129))).Error?.Code);
        Assert.Equal(ErrorCodes.InputCallerId, (await ivr.StartAsync("x", "anonymous")).Error?.Code);
        Assert.Empty(await h.WithDbAsync(db => db.IvrCalls.ToListAsync(Ct)));

        await ivr.StartAsync("ok");
        var before = await ivr.CallAsync("ok");
        Assert.Equal(ErrorCodes.IvrInputKindUnknown, (await ivr.SendAsync("ok", "fax", "1")).Error?.Code);
        Assert.Equal(ErrorCodes.IvrInputMissing, (await ivr.SendAsync("ok", IvrInputKinds.Dtmf)).Error?.Code);
        Assert.Equal(ErrorCodes.IvrInputMissing, (await ivr.SendAsync("ok", IvrInputKinds.Dtmf, new string('1', 65))).Error?.Code);
        Assert.Equal(ErrorCodes.IvrInputMissing, (await ivr.SendAsync("ok", IvrInputKinds.Speech, "a\u0000b")).Error?.Code);
        Assert.Equal(ErrorCodes.IvrCallUnknown, (await ivr.KeysAsync("nope", "1")).Error?.Code);
        Assert.Equal(before.Version, (await ivr.CallAsync("ok")).Version);

        // An expired call is gone for the dialogue.
        await h.WithDbAsync(db => db.IvrCalls.Where(c => c.CallId == "ok").ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)), Ct));
        Assert.Equal(ErrorCodes.IvrCallUnknown, (await ivr.KeysAsync("ok", "1")).Error?.Code);
        Assert.Equal("kvnr", (await ivr.StartAsync("ok")).Value.Collect!.Field); // its id may start a new call
    }
}
