using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Portal;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.History;

public sealed class SecurityHistoryTests
{
    private static Task<Result<HistoryPage>> ReadAsync(HistoryHarness h, Guid personId, string? older = null, int size = ReadSecurityHistory.DefaultPageSize) =>
        h.RunAsync(s => s.GetRequiredService<ReadSecurityHistory>().ExecuteAsync(h.KasseId, personId, older, size, HistoryHarness.Ct));

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_sees_only_their_own_entries_newest_first(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var anna = await h.PersonAsync("Anna", "Schmidt");
        var bernd = await h.PersonAsync("Bernd", "Weber");
        var ivr = new AuditContext(ActorKind.Client, Guid.NewGuid().ToString(), "phone");
        await h.AuditAsync(anna.Id, anna.Kvnr, ivr, AuditAction.CodeVerified);
        await h.AuditAsync(bernd.Id, bernd.Kvnr, ivr, AuditAction.CodeVerificationFailed, AuditOutcome.Failure, reason: "wrong-code");
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.AuditAsync(anna.Id, anna.Kvnr, ivr, AuditAction.CodeVerificationFailed, AuditOutcome.Failure, reason: "wrong-card");

        var page = (await ReadAsync(h, anna.Id)).Value;

        Assert.Equal([AuditAction.CodeVerificationFailed, AuditAction.CodeVerified], page.Items.Select(i => i.Action));
        Assert.True(page.Items[0].Failed);
        Assert.Equal("wrong-card", page.Items[0].Reason);
        Assert.Equal("phone", page.Items[0].Channel);
        Assert.All(page.Items, i => Assert.Equal(HistoryActor.Person, i.Actor));
        Assert.Null(page.Older);
        Assert.Single((await ReadAsync(h, bernd.Id)).Value.Items);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Who_acted_is_the_person_a_named_representative_staff_or_the_kasse_never_a_staff_identity(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var child = await h.PersonAsync("Mia", "Schmidt", new DateOnly(2018, 6, 1));
        var parent = await h.PersonAsync("Anna", "Schmidt");
        var stranger = await h.PersonAsync("Eva", "Fremd");
        var other = await h.PersonAsync("Olaf", "Anders", new DateOnly(2017, 1, 1));
        var representation = await RepresentAsync(h, child.Kvnr, parent.Kvnr);
        var foreignRepresentation = await RepresentAsync(h, other.Kvnr, stranger.Kvnr);

        var agent = new AuditContext(ActorKind.Client, Guid.NewGuid().ToString(), "in-person");
        await h.AuditAsync(child.Id, child.Kvnr, agent, AuditAction.InPersonAuthenticated, details: "{\"document\":\"reisepass\",\"staff\":\"agent-4711\"}");
        await h.AuditAsync(child.Id, child.Kvnr, AuditContext.System("daily-code-run"), AuditAction.CodeIssued);
        await h.AuditAsync(child.Id, child.Kvnr, AuditContext.Cli("codes reissue"), AuditAction.CodeReissuedByStaff);
        await h.AuditAsync(child.Id, child.Kvnr, PortalAudit.Context(parent.Id, representation, "203.0.113.9", "s1"), AuditAction.RepresentedDataViewed, AuditOutcome.Info);
        // An id in the details naming somebody else's representation never brings that name into this history.
        await h.AuditAsync(child.Id, child.Kvnr, new AuditContext(ActorKind.Client, "x", "letter"), AuditAction.WrittenAuthenticated,
            details: $"{{\"representative\":\"{foreignRepresentation}\"}}");

        var items = (await ReadAsync(h, child.Id)).Value.Items;
        var byAction = items.Where(i => i.Action != AuditAction.RepresentativeRecorded).ToDictionary(i => i.Action);

        var recorded = Assert.Single(items, i => i.Action == AuditAction.RepresentativeRecorded);
        Assert.Equal((HistoryActor.Staff, (string?)null), (recorded.Actor, recorded.RepresentativeName));
        Assert.Equal(HistoryActor.Staff, byAction[AuditAction.InPersonAuthenticated].Actor);
        Assert.Equal(HistoryActor.Kasse, byAction[AuditAction.CodeIssued].Actor);
        Assert.Equal(HistoryActor.Staff, byAction[AuditAction.CodeReissuedByStaff].Actor);
        Assert.Equal(HistoryActor.Representative, byAction[AuditAction.RepresentedDataViewed].Actor);
        Assert.Equal("Anna Schmidt", byAction[AuditAction.RepresentedDataViewed].RepresentativeName);
        Assert.Equal(RepresentativeKind.GesetzlicherVertreter, byAction[AuditAction.RepresentedDataViewed].RepresentativeKind);
        Assert.Null(byAction[AuditAction.WrittenAuthenticated].RepresentativeName);
        Assert.Equal(HistoryActor.Staff, byAction[AuditAction.WrittenAuthenticated].Actor);
        // The item type has no place for an actor id, an IP address or details: they cannot reach a page.
        Assert.DoesNotContain(typeof(HistoryItem).GetProperties(), p => p.Name is "ActorId" or "SourceIp" or "Details");
        Assert.DoesNotContain(items, i => $"{i}".Contains("agent-4711", StringComparison.Ordinal) || $"{i}".Contains("203.0.113.9", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_thousand_entries_page_without_gaps_or_repeats_through_the_person_index(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var noise = await h.PersonAsync("Bernd", "Weber");
        await using (var db = h.Db.NewContext())
        {
            var audit = new AuditLog(db, h.Clock);
            await using var transaction = await db.BeginWriteAsync(HistoryHarness.Ct);
            var ivr = new AuditContext(ActorKind.Client, "ivr", "phone");
            for (var i = 0; i < 1000; i++)
            {
                await audit.AppendAsync(h.KasseId, ivr, new AuditEvent(i % 3 == 0 ? AuditAction.CodeVerificationFailed : AuditAction.CodeVerified, AuditOutcome.Success, person.Id, person.Kvnr), HistoryHarness.Ct);
                await audit.AppendAsync(h.KasseId, ivr, new AuditEvent(AuditAction.CodeVerified, AuditOutcome.Success, noise.Id, noise.Kvnr), HistoryHarness.Ct);
            }
            await db.SaveChangesAsync(HistoryHarness.Ct);
            await transaction.CommitAsync(HistoryHarness.Ct);
        }

        var seen = new List<long>();
        string? older = null;
        var pages = 0;
        do
        {
            var page = (await ReadAsync(h, person.Id, older)).Value;
            seen.AddRange(page.Items.Select(i => i.Seq));
            older = page.Older;
            pages++;
        }
        while (older is not null);

        Assert.Equal(40, pages);
        Assert.Equal(1000, seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);
        Assert.Equal(1000, seen.Distinct().Count());

        // One range read of the person's index, not a scan of the Kasse's record.
        var plan = await PlanAsync(h, person.Id);
        Assert.Contains("IX_audit_entries_kasse_id_subject_person_id_seq", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal); // SQLite: no sort step, the index gives the order
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_bad_cursor_is_refused_with_a_sentence(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        foreach (var bad in new[] { "abc", "-1", "0", "1e3", "99999999999999999999" })
        {
            var result = await ReadAsync(h, person.Id, bad);
            Assert.Equal(ErrorCodes.PortalHistoryCursorInvalid, result.Error?.Code);
            Assert.Contains("Verlauf", result.Error!.Message, StringComparison.Ordinal);
        }
    }

    internal static async Task<Guid> RepresentAsync(HistoryHarness h, string representedKvnr, string representativeKvnr, string kind = "gesetzlicher-vertreter",
        DateOnly? validFrom = null, DateOnly? validTo = null, IReadOnlyList<string>? scope = null)
    {
        var result = await h.RunAsync(s => s.GetRequiredService<RecordRepresentative>().ExecuteAsync(h.KasseId, representedKvnr,
            new RepresentativeInput(kind, representativeKvnr, null, null, null, scope ?? ["*"], validFrom ?? new DateOnly(2020, 1, 1), validTo, "Urkunde 1", false),
            AuditContext.Cli("test"), HistoryHarness.Ct));
        return result.Value.Id;
    }

    /// <summary>The plan of the history's page query (the shape ReadSecurityHistory sends), with the person's ids as literals.</summary>
    private static async Task<string> PlanAsync(HistoryHarness h, Guid personId)
    {
        await using var db = h.Db.NewContext();
        await db.Database.OpenConnectionAsync(HistoryHarness.Ct);
        var connection = db.Database.GetDbConnection();
        string Id(Guid id) => db.IsSqlite ? $"'{id.ToString().ToUpperInvariant()}'" : $"'{id}'::uuid";
        var select = $"SELECT seq FROM audit_entries WHERE kasse_id = {Id(h.KasseId)} AND subject_person_id = {Id(personId)} AND seq < 500 ORDER BY seq DESC LIMIT 26";
        if (!db.IsSqlite)
        {
            // A small table may be read sequentially; with that off the planner shows whether an index serves the query at all.
            await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off", HistoryHarness.Ct);
        }
        await using var command = connection.CreateCommand();
        command.CommandText = (db.IsSqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + select;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(HistoryHarness.Ct);
        while (await reader.ReadAsync(HistoryHarness.Ct))
        {
            lines.Add(Convert.ToString(reader.GetValue(reader.FieldCount - 1), System.Globalization.CultureInfo.InvariantCulture)!);
        }
        return string.Join('\n', lines);
    }
}
