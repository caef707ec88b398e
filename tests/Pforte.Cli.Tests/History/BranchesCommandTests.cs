using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Cli.Tests.History;

public sealed class BranchesCommandTests
{
    private static async Task<TestDb> DbWithKasseAsync(string provider)
    {
        var db = await TestDb.CreateAsync(provider);
        await using var context = db.NewContext();
        await TestData.CreateKasseAsync(context);
        return db;
    }

    private static readonly string[] Add =
    [
        "branches", "add", "--name", "Beratungscenter Frankfurt-Mitte", "--street", "Zeil", "--house-number", "42", "--postal-code", "60313",
        "--city", "Frankfurt am Main", "--hours", "Mo–Fr 8:00–18:00 Uhr", "--hours", "Sa 9:00–12:00 Uhr",
    ];

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Staff_add_list_update_and_remove_a_branch(string provider)
    {
        await using var db = await DbWithKasseAsync(provider);

        var added = await CliRunner.RunAsync(db.Configuration, Add);
        Assert.Equal((CliApp.ExitCodes.Ok, ""), (added.ExitCode, added.Err));
        var id = added.Out.Trim().Split(' ')[^1];
        Assert.True(Guid.TryParse(id, out _), added.Out);

        var listed = await CliRunner.RunAsync(db.Configuration, "branches", "list");
        Assert.Contains($"{id}\tBeratungscenter Frankfurt-Mitte\tZeil 42, 60313 Frankfurt am Main\tMo–Fr 8:00–18:00 Uhr | Sa 9:00–12:00 Uhr", listed.Out, StringComparison.Ordinal);

        var updated = await CliRunner.RunAsync(db.Configuration, "branches", "update", id, "--hours", "Mo–Fr 7:30–17:00 Uhr");
        Assert.Equal(CliApp.ExitCodes.Ok, updated.ExitCode);
        Assert.Contains("Zeil 42, 60313 Frankfurt am Main\tMo–Fr 7:30–17:00 Uhr", (await CliRunner.RunAsync(db.Configuration, "branches", "list")).Out, StringComparison.Ordinal);

        var removed = await CliRunner.RunAsync(db.Configuration, "branches", "remove", id);
        Assert.Equal(CliApp.ExitCodes.Ok, removed.ExitCode);
        Assert.Contains("Keine Beratungscenter erfasst.", (await CliRunner.RunAsync(db.Configuration, "branches", "list")).Out, StringComparison.Ordinal);

        await using var context = db.NewContext();
        var actions = await context.AuditEntries.Where(e => e.Action >= AuditAction.BranchAdded && e.Action <= AuditAction.BranchRemoved)
            .OrderBy(e => e.Id).Select(e => new { e.Action, e.ActorKind }).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([AuditAction.BranchAdded, AuditAction.BranchChanged, AuditAction.BranchRemoved], actions.Select(a => a.Action));
        Assert.All(actions, a => Assert.Equal(ActorKind.Operator, a.ActorKind));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Refusals_print_code_and_sentence_and_change_nothing(string provider)
    {
        await using var db = await DbWithKasseAsync(provider);

        var badPostcode = await CliRunner.RunAsync(db.Configuration, [.. Add.Select(a => a == "60313" ? "6031" : a)]);
        var unknown = await CliRunner.RunAsync(db.Configuration, "branches", "remove", Guid.NewGuid().ToString());
        var control = await CliRunner.RunAsync(db.Configuration, [.. Add.Select(a => a == "Zeil" ? "Ze\u001bil" : a)]);
        var tooManyHours = await CliRunner.RunAsync(db.Configuration, [.. Add, .. Enumerable.Range(0, 7).SelectMany(_ => new[] { "--hours", "So 10–11 Uhr" })]);
        Assert.True((await CliRunner.RunAsync(db.Configuration, Add)).ExitCode == CliApp.ExitCodes.Ok);
        var twice = await CliRunner.RunAsync(db.Configuration, Add);

        Assert.Equal(CliApp.ExitCodes.Refused, badPostcode.ExitCode);
        Assert.StartsWith($"{ErrorCodes.PostalCodeInvalid}: Eine deutsche Postleitzahl", badPostcode.Err, StringComparison.Ordinal);
        Assert.StartsWith($"{ErrorCodes.BranchNotFound}: ", unknown.Err, StringComparison.Ordinal);
        Assert.Equal(CliApp.ExitCodes.BadInput, control.ExitCode);
        Assert.StartsWith($"{ErrorCodes.BranchHoursInvalid}: Öffnungszeiten", tooManyHours.Err, StringComparison.Ordinal);
        Assert.StartsWith($"{ErrorCodes.BranchNameTaken}: ", twice.Err, StringComparison.Ordinal);

        await using var context = db.NewContext();
        Assert.Equal(1, await context.Branches.CountAsync(TestContext.Current.CancellationToken));
    }
}
