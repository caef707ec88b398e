using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Core.SelfService;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.SelfService;

/// <summary>Issue 12: the person changes, orders and blocks the code in the portal, signed in or on the public page.</summary>
public sealed class CodeSelfServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Result<ChangeOutcome>> ChangeAsync(SelfServiceFixture f, Guid personId, string code, string newCode, string ip = "198.51.100.7") =>
        f.UseAsync(sp => sp.GetRequiredService<PortalCodeChange>().ForPersonAsync(f.Kasse.Id, SelfServiceFixture.ClientId, personId, code, newCode, ip, SelfServiceFixture.Portal(ip), Ct));

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_signed_in_change_with_a_wrong_current_code_counts_and_the_third_locks_and_reissues(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync("3852");

        for (var i = 1; i <= 3; i++)
        {
            var outcome = (await ChangeAsync(f, person.Id, "1111", "6274")).Value;
            Assert.Equal(ChangeStatus.Failed, outcome.Status);
        }

        var row = await f.QueryAsync(db => db.AuthCodes.SingleAsync(a => a.PersonId == person.Id, Ct));
        // The third wrong code locked it; a new code is on its way by letter (the machine procedure's own lockout).
        Assert.Equal(AuthCodeState.Pending, row.State);
        Assert.Equal(AuthCodeReasons.TooManyFailures, row.Reason);
        Assert.Contains(await f.AuditAsync(person.Id), e => e.Action == AuditAction.CodeLocked);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_weak_new_code_is_refused_with_its_rule_and_a_good_one_replaces_the_code_with_a_letter(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync("3852", new DateOnly(1971, 4, 12));

        var weak = (await ChangeAsync(f, person.Id, "3852", "1971")).Value;
        Assert.Equal(ChangeStatus.Weak, weak.Status);
        Assert.NotNull(weak.WeakRule);
        Assert.Equal(ChangeStatus.Weak, (await ChangeAsync(f, person.Id, "3852", "1234")).Value.Status);

        var changed = (await ChangeAsync(f, person.Id, "3852", "6274")).Value;
        Assert.Equal(ChangeStatus.Changed, changed.Status);
        Assert.Equal(ChangeStatus.Failed, (await ChangeAsync(f, person.Id, "3852", "8163")).Value.Status);
        var letter = await f.QueryAsync(db => db.Letters.SingleAsync(l => l.PersonId == person.Id, Ct));
        Assert.Equal(LetterKinds.CodeChanged, letter.Kind);
        Assert.Null(letter.SealedCode);
        Assert.All(await f.AuditAsync(person.Id), e => Assert.DoesNotContain("6274", e.Details ?? "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_public_change_takes_kvnr_card_and_code_and_malformed_input_names_every_field(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync("3852");
        var card = await f.CardAsync(person.Id);

        var errors = PortalCodeChange.ValidatePublic("a123", "12", "12a4", "", 20);
        Assert.Equal(["kvnr", "card", "code", "newCode"], errors.Select(e => e.Field));

        var spaced = string.Join(' ', card[..5], card[5..10], card[10..]);
        var outcome = await f.UseAsync(sp => sp.GetRequiredService<PortalCodeChange>().PublicAsync(f.Kasse.Id, SelfServiceFixture.ClientId,
            person.Kvnr, spaced, "3852", "6274", "198.51.100.7", SelfServiceFixture.Portal(), Ct));
        Assert.Equal(ChangeStatus.Changed, outcome.Value.Status);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_public_change_is_throttled_per_source_like_the_api(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Throttling:MaxFailuresPerSource"] = "3" });
        var people = new[] { await f.AddPersonAsync(), await f.AddPersonAsync(), await f.AddPersonAsync(), await f.AddPersonAsync() };
        var statuses = new List<ChangeStatus>();
        foreach (var person in people)
        {
            var card = await f.CardAsync(person.Id);
            var outcome = await f.UseAsync(sp => sp.GetRequiredService<PortalCodeChange>().PublicAsync(f.Kasse.Id, SelfServiceFixture.ClientId,
                person.Kvnr, card, "0000", "6274", "203.0.113.9", SelfServiceFixture.Portal("203.0.113.9"), Ct));
            statuses.Add(outcome.Value.Status);
        }
        Assert.Equal([ChangeStatus.Failed, ChangeStatus.Failed, ChangeStatus.Failed, ChangeStatus.Throttled], statuses);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Ordering_a_new_code_invalidates_the_old_one_sends_one_letter_and_is_capped(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:SelfService:CodeOrderCap"] = "2" });
        var person = await f.AddPersonAsync("3852");
        Task<Result<CodeOrder>> Order(CodeOrderKind kind) =>
            f.UseAsync(sp => sp.GetRequiredService<OrderNewCode>().ForPersonAsync(f.Kasse.Id, person.Id, kind, SelfServiceFixture.Portal(), Ct));

        var first = (await Order(CodeOrderKind.Order)).Value;
        Assert.Equal(CodeOrderStatus.Sent, first.Status);
        Assert.Equal(ChangeStatus.Failed, (await ChangeAsync(f, person.Id, "3852", "6274")).Value.Status);
        var again = (await Order(CodeOrderKind.Block)).Value;
        Assert.Equal(CodeOrderStatus.AlreadyOnItsWay, again.Status);
        Assert.Equal(first.LetterId, again.LetterId);
        var letters = await f.QueryAsync(db => db.Letters.Where(l => l.PersonId == person.Id).ToListAsync(Ct));
        var letter = Assert.Single(letters);
        Assert.Equal(LetterKinds.CodeReissued, letter.Kind);
        Assert.NotNull(letter.SealedCode);

        await f.HandOverAllAsync();
        Assert.Equal(CodeOrderStatus.Sent, (await Order(CodeOrderKind.Block)).Value.Status);
        await f.HandOverAllAsync();
        var capped = await Order(CodeOrderKind.Order);
        Assert.Equal(ErrorCodes.SelfCodeOrderCap, capped.Error!.Code);

        var actions = (await f.AuditAsync(person.Id)).Select(e => (e.Action, e.Outcome)).ToList();
        Assert.Contains((AuditAction.CodeOrderedByPerson, AuditOutcome.Success), actions);
        Assert.Contains((AuditAction.CodeBlockedByPerson, AuditOutcome.Info), actions);
        Assert.Contains((AuditAction.CodeBlockedByPerson, AuditOutcome.Success), actions);
        Assert.Contains((AuditAction.CodeOrderRefused, AuditOutcome.Refused), actions);
        Assert.Equal(OrderNewCode.ReasonBlock, (await f.QueryAsync(db => db.AuthCodes.SingleAsync(a => a.PersonId == person.Id, Ct))).Reason);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_public_order_answers_alike_whatever_happened_and_counts_mismatches_against_the_source(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Throttling:MaxFailuresPerSource"] = "2" });
        var person = await f.AddPersonAsync("3852", new DateOnly(1971, 4, 12));
        var card = await f.CardAsync(person.Id);
        Task<Result<bool>> Order(string kvnr, string birth, string ip = "192.0.2.44") =>
            f.UseAsync(sp => sp.GetRequiredService<OrderNewCode>().PublicAsync(f.Kasse.Id, SelfServiceFixture.ClientId, kvnr, card, birth, ip, SelfServiceFixture.Portal(ip), Ct));

        Assert.Equal(ErrorCodes.SelfBirthDate, (await Order(person.Kvnr, "31.02.1971")).Error!.Code);
        Assert.True((await Order(person.Kvnr, "13.04.1971")).Value);
        Assert.True((await Order(TestData.Kvnr(999), "12.04.1971")).Value);
        Assert.Equal(0, await f.QueryAsync(db => db.Letters.CountAsync(Ct)));
        // Two mismatches from this address: it is throttled now, even with the right data.
        Assert.Equal(ErrorCodes.MachineAuthThrottled, (await Order(person.Kvnr, "12.04.1971")).Error!.Code);

        Assert.True((await Order(person.Kvnr, "12.04.1971", "192.0.2.45")).Value);
        Assert.Equal(LetterKinds.CodeReissued, (await f.QueryAsync(db => db.Letters.SingleAsync(Ct))).Kind);
        var refusals = (await f.AuditAsync(person.Id)).Where(e => e.Action == AuditAction.CodeOrderRefused).Select(e => e.ReasonCode);
        Assert.Equal(["wrong-birth-date"], refusals);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_without_eligibility_is_told_why(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var child = await f.AddPersonAsync(null, new DateOnly(2016, 1, 1));
        var result = await f.UseAsync(sp => sp.GetRequiredService<OrderNewCode>().ForPersonAsync(f.Kasse.Id, child.Id, CodeOrderKind.Order, SelfServiceFixture.Portal(), Ct));
        Assert.Equal(ErrorCodes.SelfCodeNotEligible, result.Error!.Code);
        Assert.Contains("15. Geburtstag", result.Error.Message, StringComparison.Ordinal);
    }
}
