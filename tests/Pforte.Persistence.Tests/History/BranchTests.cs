using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Portal;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.History;

public sealed class BranchTests
{
    private static readonly AuditContext Staff = AuditContext.Cli("branches test");

    private static BranchInput Mitte => new("Beratungscenter Frankfurt-Mitte", "Zeil", "42", "60313", "Frankfurt am Main", ["Mo–Fr 8:00–18:00 Uhr", "Sa 9:00–12:00 Uhr"]);

    private static BranchInput Kassel => new("Beratungscenter Kassel", "Königsplatz", "1", "34117", "Kassel", ["Mo–Do 8:00–16:00 Uhr"]);

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Staff_add_change_and_remove_branches_and_each_change_is_audited(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var added = await h.RunAsync(s => s.GetRequiredService<ManageBranches>().AddAsync(h.KasseId, Mitte, Staff, HistoryHarness.Ct));
        var branch = added.Value;
        Assert.Equal(["Mo–Fr 8:00–18:00 Uhr", "Sa 9:00–12:00 Uhr"], branch.OpeningHourLines);

        var changed = await h.RunAsync(s => s.GetRequiredService<ManageBranches>().UpdateAsync(h.KasseId, branch.Id.ToString(),
            new BranchInput(null, null, null, null, null, ["Mo–Fr 7:30–17:00 Uhr"]), Staff, HistoryHarness.Ct));
        Assert.Equal("Zeil", changed.Value.Street);
        Assert.Equal("Mo–Fr 7:30–17:00 Uhr", changed.Value.OpeningHours);

        Assert.True((await h.RunAsync(s => s.GetRequiredService<ManageBranches>().RemoveAsync(h.KasseId, branch.Id.ToString(), Staff, HistoryHarness.Ct))).IsSuccess);

        await using var db = h.Db.NewContext();
        Assert.Empty(await db.Branches.ToListAsync(HistoryHarness.Ct));
        var entries = await db.AuditEntries.Where(e => e.Action >= AuditAction.BranchAdded && e.Action <= AuditAction.BranchRemoved)
            .OrderBy(e => e.Id).ToListAsync(HistoryHarness.Ct);
        Assert.Equal([AuditAction.BranchAdded, AuditAction.BranchChanged, AuditAction.BranchRemoved], entries.Select(e => e.Action));
        Assert.Contains("\"changed\":[\"opening_hours\"]", entries[1].Details, StringComparison.Ordinal);
        Assert.All(entries, e => Assert.Null(e.SubjectPersonId));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Bad_input_is_refused_with_a_stable_code_and_changes_nothing(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        async Task<string?> Add(BranchInput input) =>
            (await h.RunAsync(s => s.GetRequiredService<ManageBranches>().AddAsync(h.KasseId, input, Staff, HistoryHarness.Ct))).Error?.Code;

        Assert.Equal(ErrorCodes.PostalCodeInvalid, await Add(Mitte with { PostalCode = "6031" }));
        Assert.Equal(ErrorCodes.BranchHoursInvalid, await Add(Mitte with { OpeningHours = [] }));
        Assert.Equal(ErrorCodes.BranchHoursInvalid, await Add(Mitte with { OpeningHours = [.. Enumerable.Repeat("Mo 8–9 Uhr", 8)] }));
        Assert.Equal(ErrorCodes.BranchHoursInvalid, await Add(Mitte with { OpeningHours = [new string('x', 81)] }));
        Assert.Equal(ErrorCodes.InputForbiddenCharacter, await Add(Mitte with { Name = "Mitte\u202E" }));
        Assert.Equal(ErrorCodes.FieldRequired, await Add(Mitte with { City = " " }));
        Assert.Null(await Add(Mitte));
        Assert.Equal(ErrorCodes.BranchNameTaken, await Add(Kassel with { Name = Mitte.Name }));

        await using var db = h.Db.NewContext();
        Assert.Single(await db.Branches.ToListAsync(HistoryHarness.Ct));
        Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditAction.BranchAdded).ToListAsync(HistoryHarness.Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Another_kasses_branch_does_not_exist_for_this_one(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        Guid other;
        await using (var db = h.Db.NewContext())
        {
            other = (await TestData.CreateKasseAsync(db, TestData.OtherIk)).Id;
        }
        var foreign = (await h.RunAsync(s => s.GetRequiredService<ManageBranches>().AddAsync(other, Kassel, Staff, HistoryHarness.Ct))).Value;

        var update = await h.RunAsync(s => s.GetRequiredService<ManageBranches>().UpdateAsync(h.KasseId, foreign.Id.ToString(), Mitte, Staff, HistoryHarness.Ct));
        var remove = await h.RunAsync(s => s.GetRequiredService<ManageBranches>().RemoveAsync(h.KasseId, foreign.Id.ToString(), Staff, HistoryHarness.Ct));
        var garbage = await h.RunAsync(s => s.GetRequiredService<ManageBranches>().RemoveAsync(h.KasseId, "kein-guid", Staff, HistoryHarness.Ct));

        Assert.Equal(ErrorCodes.BranchNotFound, update.Error?.Code);
        Assert.Equal(ErrorCodes.BranchNotFound, remove.Error?.Code);
        Assert.Equal(ErrorCodes.BranchNotFound, garbage.Error?.Code);
        var found = await h.RunAsync(s => s.GetRequiredService<FindBranches>().ExecuteAsync(h.KasseId, null, HistoryHarness.Ct));
        Assert.Empty(found.Value.Branches);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_finder_narrows_by_postcode_prefix_or_town_and_names_the_six_documents(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        foreach (var input in new[] { Mitte, Kassel })
        {
            Assert.True((await h.RunAsync(s => s.GetRequiredService<ManageBranches>().AddAsync(h.KasseId, input, Staff, HistoryHarness.Ct))).IsSuccess);
        }
        async Task<IReadOnlyList<string>> Find(string? search) =>
            [.. (await h.RunAsync(s => s.GetRequiredService<FindBranches>().ExecuteAsync(h.KasseId, search, HistoryHarness.Ct))).Value.Branches.Select(b => b.Name)];

        Assert.Equal(["Beratungscenter Kassel", "Beratungscenter Frankfurt-Mitte"], await Find(null));
        Assert.Equal(["Beratungscenter Frankfurt-Mitte"], await Find("603"));
        Assert.Equal(["Beratungscenter Kassel"], await Find("kassel"));
        Assert.Equal(["Beratungscenter Frankfurt-Mitte"], await Find("FRANKFURT"));
        Assert.Empty(await Find("München"));

        var tooShort = await h.RunAsync(s => s.GetRequiredService<FindBranches>().ExecuteAsync(h.KasseId, "6", HistoryHarness.Ct));
        Assert.Equal(ErrorCodes.BranchSearchTooShort, tooShort.Error?.Code);
        var bad = await h.RunAsync(s => s.GetRequiredService<FindBranches>().ExecuteAsync(h.KasseId, "Kas\0sel", HistoryHarness.Ct));
        Assert.Equal(ErrorCodes.InputForbiddenCharacter, bad.Error?.Code);

        var documents = (await h.RunAsync(s => s.GetRequiredService<FindBranches>().ExecuteAsync(h.KasseId, null, HistoryHarness.Ct))).Value.DocumentsToBring;
        Assert.Equal(["eGK mit Lichtbild", "Führerschein", "Personalausweis", "Reisepass", "Schwerbehindertenausweis", "Elektronischer Aufenthaltstitel"], documents);
    }
}
