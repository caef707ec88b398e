using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Testing;
using UglyToad.PdfPig;

namespace Pforte.Cli.Tests.Letters;

/// <summary>
/// Issue 11, finding 7: each Kasse has its own sender and print contract. Batches never mix Kassen, <c>--kasse IK</c>
/// selects one, the manifest carries the IK, the batch folder and PDF file names say which Kasse.
/// </summary>
public sealed class PerKasseExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Row(Guid LetterId, string Kind, string PdfFile, int FirstPage, int PageCount, string? KasseIk);

    private static List<Row> Manifest(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, "manifest.csv"), Encoding.UTF8);
        var header = lines[0].Split(';');
        var ik = Array.IndexOf(header, "kasse_ik");
        return lines.Skip(1).Select(l => l.Split(';')).Select(f => new Row(Guid.Parse(f[0]), f[2], f[4],
            int.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[6], System.Globalization.CultureInfo.InvariantCulture),
            ik >= 0 ? f[ik] : null)).ToList();
    }

    private static async Task<Kasse> OtherKasseAsync(LetterExportFixture f)
    {
        await using var db = f.Db.NewContext();
        return await TestData.CreateKasseAsync(db, TestData.OtherIk);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Two_kassen_get_batches_of_their_own_with_their_ik_and_their_sender(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var other = await OtherKasseAsync(f);
        var persons = new Dictionary<Guid, string>();
        for (var i = 0; i < 3; i++)
        {
            persons[(await f.AddPersonAsync()).Id] = f.Kasse.Ik;
            persons[(await f.AddPersonAsync(kasse: other)).Id] = other.Ik;
        }
        await f.IssueDueAsync();

        var run = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("Übergeben: 6 Briefe in 2 Stapeln, 2 Dateien, ", run.Out, StringComparison.Ordinal);
        var folders = Directory.GetDirectories(f.OutDir, "batch-*");
        Assert.Equal(2, folders.Length);
        foreach (var folder in folders)
        {
            var ik = Regex.Match(Path.GetFileName(folder), "^batch-([0-9]{9})-").Groups[1].Value;
            var kasse = ik == f.Kasse.Ik ? f.Kasse : Assert.IsType<Kasse>(other);
            Assert.Equal(kasse.Ik, ik);
            Assert.Contains($"(Kasse {ik}): 3 Briefe in 1 Datei", run.Out, StringComparison.Ordinal);
            var rows = Manifest(folder);
            Assert.Equal(3, rows.Count);
            Assert.All(rows, r => Assert.Equal(ik, r.KasseIk));
            Assert.All(rows, r => Assert.Contains("-" + ik + "-", r.PdfFile, StringComparison.Ordinal));
            var letterKassen = await f.WithDbAsync(db => db.Letters.Where(l => rows.Select(r => r.LetterId).Contains(l.Id)).Select(l => l.PersonId).ToListAsync(Ct));
            Assert.All(letterKassen, person => Assert.Equal(ik, persons[person]));
            // The sender printed in every letter is this Kasse's, never the other's.
            var otherName = (kasse == other ? f.Kasse : other).Name;
            foreach (var file in rows.GroupBy(r => r.PdfFile))
            {
                using var pdf = PdfDocument.Open(Path.Combine(folder, file.Key));
                foreach (var r in file)
                {
                    var text = string.Join(' ', Enumerable.Range(r.FirstPage, r.PageCount).Select(pdf.GetPage).SelectMany(p => p.GetWords()).Select(w => w.Text));
                    Assert.Contains(kasse.Name.Split(' ')[^1], text, StringComparison.Ordinal);
                    Assert.DoesNotContain(otherName.Split(' ')[^1], text, StringComparison.Ordinal);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Kasse_selects_one_kasse_and_leaves_the_others_letters_due(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var other = await OtherKasseAsync(f);
        await f.AddPersonAsync();
        await f.AddPersonAsync(kasse: other);
        await f.AddPersonAsync(kasse: other);
        await f.IssueDueAsync();

        var run = await f.CliAsync("letters", "export", "--out", f.OutDir, "--kasse", other.Ik);
        Assert.True(run.ExitCode == 0, run.Err);
        var folder = Assert.Single(Directory.GetDirectories(f.OutDir, "batch-*"));
        Assert.StartsWith($"batch-{other.Ik}-", Path.GetFileName(folder), StringComparison.Ordinal);
        Assert.All(Manifest(folder), r => Assert.Equal(other.Ik, r.KasseIk));
        Assert.Equal(2, Manifest(folder).Count);
        Assert.Equal(1, await f.WithDbAsync(db => db.Letters.CountAsync(l => l.ExportedAt == null && l.KasseId == f.Kasse.Id, Ct)));
        Assert.Equal(0, await f.WithDbAsync(db => db.Letters.CountAsync(l => l.ExportedAt == null && l.KasseId == other.Id, Ct)));

        var unknown = await f.CliAsync("letters", "export", "--out", f.OutDir, "--kasse", "101234567");
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("PF-", unknown.Err, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_scheduled_hand_over_writes_a_batch_per_kasse(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var other = await OtherKasseAsync(f);
        await f.AddPersonAsync();
        await f.AddPersonAsync(kasse: other);
        await f.IssueDueAsync();
        var settings = new Dictionary<string, string?>(f.Db.Configuration) { ["Pforte:Letters:HotFolder"] = f.OutDir, ["Pforte:Letters:ExportEvery"] = "00:01:00" };
        await using var services = new CliContext(TextWriter.Null, TextWriter.Null, settings).BuildServices();
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ScheduledLetterExport>().RunIfDueAsync(Ct);
        Assert.NotNull(result);
        Assert.Equal(new[] { f.Kasse.Ik, other.Ik }.Order(), result.Batches.Select(b => b.KasseIk).Order());
        foreach (var batch in result.Batches)
        {
            Assert.StartsWith($"batch-{batch.KasseIk}-", Path.GetFileName(batch.Folder), StringComparison.Ordinal);
            Assert.All(Manifest(batch.Folder), r => Assert.Equal(batch.KasseIk, r.KasseIk));
        }
    }

    [Fact]
    public async Task Cli_counts_are_german_singular_and_plural_without_a_rate_for_a_quick_run()
    {
        await using var f = await LetterExportFixture.CreateAsync("sqlite");
        await f.AddPersonAsync();
        await f.IssueDueAsync();
        var run = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Matches(@"Übergeben: 1 Brief in 1 Stapel, 1 Datei, [0-9]+ Seiten?, ([0-9.]+ ms|[0-9.]+,[0-9] s( \([0-9.]+ Briefe/s\))?)\.", run.Out);
        Assert.DoesNotContain("Briefe in 1 Stapeln", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("(0 Briefe/s)", run.Out, StringComparison.Ordinal);
        Assert.Contains($"(Kasse {f.Kasse.Ik}): 1 Brief in 1 Datei", run.Out, StringComparison.Ordinal);

        var verify = await f.CliAsync("audit", "verify");
        Assert.Matches($"Kasse {f.Kasse.Ik}: OK, [0-9]+ Einträge geprüft", verify.Out);

        // de-DE grouping in numbers of four digits and more, the same in the CLI as in the web host's log.
        await using var demo = await TestDb.CreateAsync("sqlite");
        var seed = await CliRunner.RunAsync(demo.Configuration, "demo", "seed", "--count", "1001");
        Assert.True(seed.ExitCode == 0, seed.Err);
        Assert.Contains("1.001 versicherte Personen hinzugefügt, 1.001 insgesamt.", seed.Out, StringComparison.Ordinal);
        var one = await CliRunner.RunAsync(demo.Configuration, "demo", "seed", "--count", "1002");
        Assert.Contains("1 versicherte Person hinzugefügt, 1.002 insgesamt.", one.Out, StringComparison.Ordinal);
    }
}
