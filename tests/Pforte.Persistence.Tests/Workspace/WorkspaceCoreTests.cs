using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using Pforte.Core.Workspace;
using Pforte.Persistence.Tests.SelfService;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Workspace;

/// <summary>Issue 14, caller screen and counter: search, card, guidance, screen pop and four eyes, on both databases.</summary>
public sealed class WorkspaceCoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly IReadOnlySet<string> Agent = new HashSet<string> { "agent" };
    private static readonly IReadOnlySet<string> Supervisor = new HashSet<string> { "supervisor" };

    public static AuditContext Staff(string staffId, string channel = Channels.Phone, string? callId = null) =>
        new(ActorKind.Staff, "staff:" + staffId, channel, SourceIp: "10.0.0.7", SourceCallId: callId, CorrelationId: "test");

    /// <summary>An authentication as the IVR or the counter leaves it (the API paths have their own tests).</summary>
    public static async Task<PersonAuthentication> AuthenticateAsync(SelfServiceFixture f, Guid personId, string level, string channel, string method, string? callId = null, Guid? kasseId = null)
    {
        var now = f.Clock.GetUtcNow();
        var auth = new PersonAuthentication
        {
            Id = Guid.CreateVersion7(), KasseId = kasseId ?? f.Kasse.Id, PersonId = personId, Method = method, Level = level, Channel = channel,
            CallId = callId, CreatedAt = now, ValidUntil = now.AddMinutes(30),
        };
        await f.QueryAsync(async db => { db.Authentications.Add(auth); return await db.SaveChangesAsync(Ct); });
        return auth;
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_search_finds_by_kvnr_or_by_name_and_birth_date_is_audited_without_what_was_typed_and_limited(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var people = new List<InsuredPerson>();
        for (var i = 0; i < PersonSearch.Limit + 1; i++)
        {
            people.Add(await f.AddPersonAsync());
        }
        Task<Result<PersonSearchResult>> Search(PersonQuery q) => f.UseAsync(sp => sp.GetRequiredService<PersonSearch>().ExecuteAsync(f.Kasse.Id, q, Staff("a1"), Ct));

        var byKvnr = (await Search(new PersonQuery(people[3].Kvnr, null, null, null))).Value;
        Assert.Equal(people[3].Id, Assert.Single(byKvnr.Hits).Id);

        var byName = (await Search(new PersonQuery(null, "GROSS", null, "12.04.1971"))).Value;
        Assert.Equal(PersonSearch.Limit, byName.Hits.Count);
        Assert.True(byName.More);
        var byExactName = (await Search(new PersonQuery(null, "groß", "jürgen", "1971-04-12"))).Value;
        Assert.Equal(PersonSearch.Limit, byExactName.Hits.Count);
        Assert.Empty((await Search(new PersonQuery(null, "Groß", null, "13.04.1971"))).Value.Hits);

        Assert.Equal(ErrorCodes.WsSearchEmpty, (await Search(new PersonQuery(" ", null, null, null))).Error!.Code);
        Assert.Equal(ErrorCodes.WsSearchNameNeedsBirthDate, (await Search(new PersonQuery(null, "Groß", null, null))).Error!.Code);
        Assert.Equal(ErrorCodes.WsSearchBirthDate, (await Search(new PersonQuery(null, "Groß", null, "31.02.1971"))).Error!.Code);
        Assert.NotNull((await Search(new PersonQuery("X12", null, null, null))).Error);

        await using var context = f.Db.NewContext();
        var entries = await context.AuditEntries.AsNoTracking().Where(e => e.Action == AuditAction.WorkspacePersonSearched).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal(4, entries.Count);
        Assert.Equal(people[3].Id, entries[0].SubjectPersonId);
        Assert.Equal("staff:a1", entries[0].ActorId);
        Assert.Contains("\"by\":\"name-birth-date\"", entries[1].Details, StringComparison.Ordinal);
        Assert.Contains("\"more\":true", entries[1].Details, StringComparison.Ordinal);
        Assert.All(entries, e => Assert.DoesNotContain("Gro", e.Details ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.All(entries, e => Assert.DoesNotContain("1971", e.Details ?? "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_search_and_the_card_see_only_the_staff_members_Kasse(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();
        var other = await f.QueryAsync(db => TestData.CreateKasseAsync(db, TestData.OtherIk, f.Clock));
        var hits = (await f.UseAsync(sp => sp.GetRequiredService<PersonSearch>().ExecuteAsync(other.Id, new PersonQuery(person.Kvnr, null, null, null), Staff("a1"), Ct))).Value;
        Assert.Empty(hits.Hits);
        var card = await f.UseAsync(sp => sp.GetRequiredService<ReadCallerCard>().ExecuteAsync(other.Id, person.Id, Channels.Phone, null, null, Staff("a1"), Ct));
        Assert.Equal(ErrorCodes.ApiPersonNotFound, card.Error!.Code);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_guidance_answers_every_request_kind_and_changes_with_the_authentication(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();
        Task<Result<CallerCardView>> Card(string channel, string? call, Guid? auth) =>
            f.UseAsync(sp => sp.GetRequiredService<ReadCallerCard>().ExecuteAsync(f.Kasse.Id, person.Id, channel, call, auth, Staff("a1", channel, call), Ct));

        var before = (await Card(Channels.Phone, "call-1", null)).Value;
        Assert.Null(before.Current);
        Assert.Equal(RequestKinds.All.Order(), before.Guidance.Select(g => g.RequestKind).Order());
        Assert.True(before.Guidance.Single(g => g.RequestKind == RequestKinds.GeneralInformation).Allowed);
        var status = before.Guidance.Single(g => g.RequestKind == RequestKinds.InsuranceStatus);
        Assert.False(status.Allowed);
        Assert.Equal(ErrorCodes.DisclosureNotAuthenticated, status.ReasonCode);
        Assert.False(string.IsNullOrWhiteSpace(status.Explanation));
        Assert.NotEmpty(status.Alternatives);

        // The IVR verified this call: the card shows it, and the guidance follows.
        var ivr = await AuthenticateAsync(f, person.Id, TrustLevels.Hoch, Channels.Phone, AuthenticationMethods.MachineCode, "call-1");
        var after = (await Card(Channels.Phone, "call-1", null)).Value;
        Assert.Equal(ivr.Id, after.Current!.Id);
        Assert.True(after.Current.ByMachine);
        Assert.True(after.Guidance.Single(g => g.RequestKind == RequestKinds.InsuranceStatus).Allowed);
        Assert.True(after.Guidance.Single(g => g.RequestKind == RequestKinds.BenefitsHealthData).Allowed);
        // Never on the phone, however sure.
        Assert.False(after.Guidance.Single(g => g.RequestKind == RequestKinds.AddressChange).Allowed);
        // Another call does not borrow it.
        Assert.Null((await Card(Channels.Phone, "call-2", null)).Value.Current);

        // At the counter: the photo ID, then the address change is allowed.
        var inPerson = await f.UseAsync(sp => sp.GetRequiredService<RecordAuthentication>().InPersonAsync(f.Kasse.Id, null,
            new InPersonInput(person.Kvnr, "personalausweis", "L01X", true, "c1", null), Staff("c1", Channels.InPerson), Ct));
        var counter = (await Card(Channels.InPerson, null, inPerson.Value.Id)).Value;
        Assert.Equal(TrustLevels.Hoch, counter.Current!.Level);
        Assert.True(counter.Guidance.Single(g => g.RequestKind == RequestKinds.AddressChange).Allowed);
        // A counter authentication does not count on the phone screen.
        Assert.Null((await Card(Channels.Phone, null, inPerson.Value.Id)).Value.Current);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_counter_changes_the_address_only_after_identification_and_sends_the_letters(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();
        var address = new SelfServiceAddress();
        Task<Result<Pforte.Core.SelfService.AddressChangeDone>> Change(Guid? auth) => f.UseAsync(sp => sp.GetRequiredService<CounterAddressChange>().ExecuteAsync(
            f.Kasse.Id, person.Id, auth, address.Input, Staff("c1", Channels.InPerson), Ct));

        var refused = await Change(null);
        Assert.Equal(ErrorCodes.WsActionNotAllowed, refused.Error!.Code);
        var auth = await f.UseAsync(sp => sp.GetRequiredService<RecordAuthentication>().InPersonAsync(f.Kasse.Id, null,
            new InPersonInput(person.Kvnr, "reisepass", "C4F7", true, "c1", null), Staff("c1", Channels.InPerson), Ct));
        var done = await Change(auth.Value.Id);
        Assert.True(done.Value.Applied);
        var stored = await f.QueryAsync(db => db.InsuredPersons.SingleAsync(p => p.Id == person.Id, Ct));
        Assert.Equal("Am Markt", stored.Street);
        Assert.Equal(2, await f.QueryAsync(db => db.Letters.CountAsync(l => l.PersonId == person.Id && l.Kind == Pforte.Core.Letters.LetterKinds.AddressChanged, Ct)));
    }

    private sealed class SelfServiceAddress
    {
        public Pforte.Core.SelfService.NewAddress Input { get; } = new("Am Markt", "7", "35037", "Marburg", "05.12.2026");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Within_the_cap_the_agent_reissues_beyond_it_a_second_staff_member_who_is_supervisor_must_approve(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:AuthCodes:AutoReissueCap"] = "1" });
        var person = await f.AddPersonAsync();
        var ivr = await AuthenticateAsync(f, person.Id, TrustLevels.Substantiell, Channels.Phone, AuthenticationMethods.PhoneQuestions, "call-9");
        Task<Result<ReissueOutcome>> Request(string staff, string? reason, Guid? auth) =>
            f.UseAsync(sp => sp.GetRequiredService<CodeReissueRequests>().RequestAsync(f.Kasse.Id, person.Id, auth, reason, Staff(staff), Ct));
        Task<Result<ReissueOutcome>> Decide(Guid id, bool approve, string staff, IReadOnlySet<string> roles) =>
            f.UseAsync(sp => sp.GetRequiredService<CodeReissueRequests>().DecideAsync(f.Kasse.Id, id, approve, roles, Staff(staff, "workspace"), Ct));

        Assert.Equal(ErrorCodes.ReissueReasonMissing, (await Request("a1", "  ", ivr.Id)).Error!.Code);
        Assert.Equal(ErrorCodes.WsActionNotAllowed, (await Request("a1", "Brief verloren", null)).Error!.Code);

        var first = (await Request("a1", "Brief verloren", ivr.Id)).Value;
        Assert.Equal(ReissueOutcomeKind.Reissued, first.Kind);
        Assert.NotNull(first.LetterId);

        // The cap (1 in the period) is reached: the next one waits for a supervisor.
        var second = (await Request("a1", "Brief wieder verloren", ivr.Id)).Value;
        Assert.Equal(ReissueOutcomeKind.AwaitingApproval, second.Kind);
        Assert.Equal(ErrorCodes.WsReissueAlreadyPending, (await Request("a2", "noch einmal", ivr.Id)).Error!.Code);
        var pending = Assert.Single(await f.UseAsync(sp => sp.GetRequiredService<CodeReissueRequests>().PendingAsync(f.Kasse.Id, Ct)));
        Assert.Equal(second.RequestId, pending.Id);
        Assert.Equal("staff:a1", pending.RequestedBy);

        Assert.Equal(ErrorCodes.WsFourEyesNotSupervisor, (await Decide(pending.Id, true, "a2", Agent)).Error!.Code);
        Assert.Equal(ErrorCodes.WsFourEyesSameStaff, (await Decide(pending.Id, true, "a1", Supervisor)).Error!.Code);
        var approved = (await Decide(pending.Id, true, "s1", Supervisor)).Value;
        Assert.Equal(ReissueOutcomeKind.Reissued, approved.Kind);
        Assert.Equal(ErrorCodes.WsReissueRequestUnknown, (await Decide(pending.Id, false, "s2", Supervisor)).Error!.Code);

        // A rejected one issues nothing.
        var third = (await Request("a1", "dritter Versuch", ivr.Id)).Value;
        Assert.Equal(ReissueOutcomeKind.Rejected, (await Decide(third.RequestId!.Value, false, "s1", Supervisor)).Value.Kind);
        // (A letter not printed yet is cancelled when a newer code supersedes it, so the audit counts the re-issues.)

        var actions = (await f.AuditAsync(person.Id)).Select(e => e.Action).ToList();
        Assert.Contains(AuditAction.CodeReissueRequested, actions);
        Assert.Equal(2, actions.Count(a => a == AuditAction.CodeReissueFourEyesRefused));
        Assert.Contains(AuditAction.CodeReissueApproved, actions);
        Assert.Contains(AuditAction.CodeReissueRejected, actions);
        Assert.Equal(2, actions.Count(a => a == AuditAction.CodeReissuedByStaff));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Parallel_requests_beyond_the_cap_leave_exactly_one_pending_request_and_the_database_refuses_a_second(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:AuthCodes:AutoReissueCap"] = "1" });
        var person = await f.AddPersonAsync();
        var ivr = await AuthenticateAsync(f, person.Id, TrustLevels.Substantiell, Channels.Phone, AuthenticationMethods.PhoneQuestions, "call-12");
        Task<Result<ReissueOutcome>> Request(string staff) =>
            f.UseAsync(sp => sp.GetRequiredService<CodeReissueRequests>().RequestAsync(f.Kasse.Id, person.Id, ivr.Id, "Brief verloren", Staff(staff), Ct));
        Assert.Equal(ReissueOutcomeKind.Reissued, (await Request("a0")).Value.Kind);

        // Eight agents at once, each in a scope (connection, transaction) of its own.
        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(() => Request("a" + i), Ct)));
        Assert.Single(results, r => r.IsSuccess && r.Value.Kind == ReissueOutcomeKind.AwaitingApproval);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.WsReissueAlreadyPending, r.Error!.Code));
        Assert.Equal(1, await f.QueryAsync(db => db.Set<CodeReissueRequest>().CountAsync(r => r.PersonId == person.Id && r.State == CodeReissueRequestStates.Pending, Ct)));
        Assert.Equal(1, (await f.AuditAsync(person.Id)).Count(e => e.Action == AuditAction.CodeReissueRequested));

        // The guarantee is the database's (ix_code_reissue_requests_pending), not only the use case's check.
        await Assert.ThrowsAsync<DbUpdateException>(() => f.QueryAsync(db =>
        {
            db.Set<CodeReissueRequest>().Add(new CodeReissueRequest
            {
                Id = Guid.CreateVersion7(), KasseId = f.Kasse.Id, PersonId = person.Id, Reason = "direkt", RequestedBy = "staff:x",
                RequestedAt = f.Clock.GetUtcNow(), State = CodeReissueRequestStates.Pending,
            });
            return db.SaveChangesAsync(Ct);
        }));
        // Decided requests do not count: a rejected one and a new pending one live side by side.
        var pending = await f.QueryAsync(db => db.Set<CodeReissueRequest>().SingleAsync(r => r.PersonId == person.Id && r.State == CodeReissueRequestStates.Pending, Ct));
        Assert.Equal(ReissueOutcomeKind.Rejected, (await f.UseAsync(sp => sp.GetRequiredService<CodeReissueRequests>()
            .DecideAsync(f.Kasse.Id, pending.Id, false, Supervisor, Staff("s1", "workspace"), Ct))).Value.Kind);
        Assert.Equal(ReissueOutcomeKind.AwaitingApproval, (await Request("a9")).Value.Kind);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_screen_pop_finds_the_call_verified_in_this_Kasse_and_the_card_never_holds_a_code_or_hash(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync("3852");
        Assert.Equal(ErrorCodes.WsCallIdInvalid, CallPop.ParseCallId("a b").Error!.Code);
        Assert.Equal(ErrorCodes.WsCallIdInvalid, CallPop.ParseCallId(new string('x', 129)).Error!.Code);
        var taken = await f.UseAsync(sp => sp.GetRequiredService<CallPop>().TakeAsync(f.Kasse.Id, "call-77", Staff("a1"), Ct));
        Assert.Null(taken.Value);

        await AuthenticateAsync(f, person.Id, TrustLevels.Hoch, Channels.Phone, AuthenticationMethods.MachineCode, "call-77");
        var other = await f.QueryAsync(db => TestData.CreateKasseAsync(db, TestData.OtherIk, f.Clock));
        Assert.Null(await f.UseAsync(sp => sp.GetRequiredService<CallPop>().FindAsync(other.Id, "call-77", Ct)));
        var found = await f.UseAsync(sp => sp.GetRequiredService<CallPop>().FindAsync(f.Kasse.Id, "call-77", Ct));
        Assert.Equal(person.Id, found!.PersonId);
        Assert.Equal(TrustLevels.Hoch, found.Level);

        var card = (await f.UseAsync(sp => sp.GetRequiredService<ReadCallerCard>().ExecuteAsync(f.Kasse.Id, person.Id, Channels.Phone, "call-77", null, Staff("a1", callId: "call-77"), Ct))).Value;
        Assert.Equal("active", card.Code.State);
        var json = JsonSerializer.Serialize(card);
        var code = await f.QueryAsync(db => db.AuthCodes.SingleAsync(a => a.PersonId == person.Id, Ct));
        Assert.DoesNotContain("3852", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(code.CodeHash!), json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(code.CodeHash!), json, StringComparison.OrdinalIgnoreCase);
    }
}
