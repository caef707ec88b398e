using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Portal;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.History;

public sealed class PortalRepresentationTests
{
    private static readonly Guid PortalClient = Guid.Parse("0193a5c0-0000-7000-8000-000000000001");

    private static Task<Result<RepresentationStarted>> StartAsync(HistoryHarness h, Guid actor, string? representativeId, Guid? actingNow = null) =>
        h.RunAsync(s => s.GetRequiredService<PortalRepresentation>().StartAsync(h.KasseId, actor, actingNow, representativeId,
            [PortalLoginFactors.Password, PortalLoginFactors.Totp], "session-1", PortalClient, "198.51.100.7", HistoryHarness.Ct));

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_parent_switches_to_the_child_a_portal_login_is_recorded_for_the_child_and_its_history_names_the_parent(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var child = await h.PersonAsync("Mia", "Schmidt", new DateOnly(2018, 6, 1));
        var parent = await h.PersonAsync("Anna", "Schmidt");
        var representation = await SecurityHistoryTests.RepresentAsync(h, child.Kvnr, parent.Kvnr);

        var options = await h.RunAsync(s => s.GetRequiredService<PortalRepresentation>().ListAsync(h.KasseId, parent.Id, HistoryHarness.Ct));
        var option = Assert.Single(options);
        Assert.Equal((child.Id, (Error?)null), (option.PersonId, option.Unavailable));

        var started = (await StartAsync(h, parent.Id, representation.ToString())).Value;
        Assert.Equal(child.Id, started.Acting.PersonId);
        Assert.Equal(TrustLevels.Substantiell, started.Level);

        var ended = await h.RunAsync(s => s.GetRequiredService<PortalRepresentation>().EndAsync(h.KasseId, parent.Id, representation, "198.51.100.7", "session-1", HistoryHarness.Ct));
        Assert.True(ended.IsSuccess);

        await using (var db = h.Db.NewContext())
        {
            var authentication = await db.Authentications.SingleAsync(a => a.Id == started.AuthenticationId, HistoryHarness.Ct);
            Assert.Equal((child.Id, representation, AuthenticationMethods.PortalLogin), (authentication.PersonId, authentication.RepresentativeId, authentication.Method));
            var login = await db.AuditEntries.SingleAsync(e => e.Action == AuditAction.PortalLoginRecorded, HistoryHarness.Ct);
            Assert.Equal(child.Id, login.SubjectPersonId);
            Assert.Equal(PortalAudit.RepresentativePrefix + representation.ToString("N"), login.ActorId);
        }
        var history = (await h.RunAsync(s => s.GetRequiredService<ReadSecurityHistory>().ExecuteAsync(h.KasseId, child.Id, null, 25, HistoryHarness.Ct))).Value.Items;
        Assert.Contains(history, i => i.Action == AuditAction.PortalLoginRecorded && i.Actor == HistoryActor.Representative && i.RepresentativeName == "Anna Schmidt");
        Assert.Contains(history, i => i.Action == AuditAction.RepresentationEnded && i.RepresentativeName == "Anna Schmidt");
        // The parent's own history is not the child's.
        var own = (await h.RunAsync(s => s.GetRequiredService<ReadSecurityHistory>().ExecuteAsync(h.KasseId, parent.Id, null, 25, HistoryHarness.Ct))).Value.Items;
        Assert.DoesNotContain(own, i => i.Action is AuditAction.PortalLoginRecorded or AuditAction.RepresentationEnded);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_expired_representation_or_a_child_of_fifteen_is_refused_and_the_refusal_is_on_the_represented_persons_record(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var ward = await h.PersonAsync("Karl", "Alt", new DateOnly(1940, 1, 1));
        var teen = await h.PersonAsync("Tim", "Jung", new DateOnly(2011, 12, 5)); // 15 today
        var carer = await h.PersonAsync("Berta", "Sorge");
        var expired = await SecurityHistoryTests.RepresentAsync(h, ward.Kvnr, carer.Kvnr, "betreuer", new DateOnly(2020, 1, 1), new DateOnly(2026, 12, 4));
        var parent = await SecurityHistoryTests.RepresentAsync(h, teen.Kvnr, carer.Kvnr);

        var options = await h.RunAsync(s => s.GetRequiredService<PortalRepresentation>().ListAsync(h.KasseId, carer.Id, HistoryHarness.Ct));
        Assert.Equal([ErrorCodes.RepresentationNotValidToday, ErrorCodes.RepresentationChildTooOld], options.Select(o => o.Unavailable?.Code));

        var refusedExpired = await StartAsync(h, carer.Id, expired.ToString());
        var refusedTeen = await StartAsync(h, carer.Id, parent.ToString());
        Assert.Equal(ErrorCodes.RepresentationNotValidToday, refusedExpired.Error?.Code);
        Assert.Contains("04.12.2026", refusedExpired.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.RepresentationChildTooOld, refusedTeen.Error?.Code);

        await using var db = h.Db.NewContext();
        Assert.False(await db.Authentications.AnyAsync(HistoryHarness.Ct));
        var refusals = await db.AuditEntries.Where(e => e.Action == AuditAction.RepresentationRefused).OrderBy(e => e.Id).ToListAsync(HistoryHarness.Ct);
        Assert.Equal([ward.Id, teen.Id], refusals.Select(e => e.SubjectPersonId!.Value));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Somebody_elses_representation_answers_like_none_and_switching_twice_is_refused(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var child = await h.PersonAsync("Mia", "Schmidt", new DateOnly(2018, 6, 1));
        var parent = await h.PersonAsync("Anna", "Schmidt");
        var intruder = await h.PersonAsync("Ingo", "Eindringling");
        var representation = await SecurityHistoryTests.RepresentAsync(h, child.Kvnr, parent.Kvnr);

        var foreign = await StartAsync(h, intruder.Id, representation.ToString());
        var missing = await StartAsync(h, intruder.Id, Guid.CreateVersion7().ToString());
        var garbage = await StartAsync(h, intruder.Id, "1 OR 1=1");
        Assert.Equal(ErrorCodes.PortalNotFound, foreign.Error?.Code);
        Assert.Equal(foreign.Error!.Message, missing.Error?.Message);
        Assert.Equal(foreign.Error.Message, garbage.Error?.Message);
        Assert.Equal(ErrorCodes.PortalNotFound, (await h.RunAsync(s => s.GetRequiredService<PortalRepresentation>()
            .CheckAsync(h.KasseId, intruder.Id, representation, PortalRepresentation.ViewRequestKind, HistoryHarness.Ct))).Error?.Code);

        var twice = await StartAsync(h, parent.Id, representation.ToString(), actingNow: representation);
        Assert.Equal(ErrorCodes.RepresentationAlreadyActing, twice.Error?.Code);
        Assert.Contains("Mia Schmidt", twice.Error!.Message, StringComparison.Ordinal);
        var notActing = await h.RunAsync(s => s.GetRequiredService<PortalRepresentation>().EndAsync(h.KasseId, parent.Id, null, null, null, HistoryHarness.Ct));
        Assert.Equal(ErrorCodes.RepresentationNotActing, notActing.Error?.Code);

        await using var db = h.Db.NewContext();
        Assert.False(await db.Authentications.AnyAsync(HistoryHarness.Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Viewing_needs_a_scope_that_covers_insurance_matters(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync("Karl", "Alt", new DateOnly(1940, 1, 1));
        var holder = await h.PersonAsync("Vera", "Voll");
        var narrow = await SecurityHistoryTests.RepresentAsync(h, person.Kvnr, holder.Kvnr, "bevollmaechtigter", scope: ["address-change"]);

        var check = await h.RunAsync(s => s.GetRequiredService<PortalRepresentation>().CheckAsync(h.KasseId, holder.Id, narrow, PortalRepresentation.ViewRequestKind, HistoryHarness.Ct));

        Assert.Equal(ErrorCodes.RepresentationOutOfScope, check.Error?.Code);
        Assert.Contains("Karl Alt", check.Error!.Message, StringComparison.Ordinal);
    }
}
