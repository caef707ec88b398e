using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Letters.Pdf;
using Pforte.Testing;
using UglyToad.PdfPig;

namespace Pforte.Cli.Tests.Letters;

public sealed class LetterExportTests
{
    private const double Mm = 72 / 25.4;

    private sealed record Row(Guid LetterId, Guid BatchId, string Kind, string Kvnr, string File, int FirstPage, int PageCount, string PostalCode, string Sha);

    private static List<Row> ReadManifest(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, ExportLetters.ManifestFile), Encoding.UTF8);
        Assert.Equal(ExportLetters.ManifestHeader, lines[0]);
        return lines.Skip(1).Select(l => l.Split(';')).Select(f => new Row(Guid.Parse(f[0]), Guid.Parse(f[1]), f[2], f[3], f[4], int.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(f[6], System.Globalization.CultureInfo.InvariantCulture), f[7], f[8])).ToList();
    }

    private static string[] BatchFolders(string root) => Directory.GetDirectories(root, "batch-*");

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Export_writes_din_letters_with_each_code_once_and_destroys_the_codes(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var persons = new List<Pforte.Core.Insured.InsuredPerson>();
        for (var i = 0; i < 4; i++)
        {
            persons.Add(await f.AddPersonAsync());
        }
        await f.IssueDueAsync();
        var changed = await f.QueueAsync(persons[0], LetterKinds.CodeChanged);
        var codes = await f.PendingCodesAsync();
        var sealedCodes = await f.SealedCodesAsync();
        Assert.Equal(4, codes.Count);

        var run = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("5 Briefe in 2 Dateien", run.Out, StringComparison.Ordinal);
        var folder = Assert.Single(BatchFolders(f.OutDir));
        Assert.Empty(Directory.GetDirectories(f.OutDir, ".partial-*"));

        // Manifest: every letter once, checksums match, page ranges contiguous per file, code letters alone in their file.
        var rows = ReadManifest(folder);
        Assert.Equal(codes.Keys.Append(changed).Order(), rows.Select(r => r.LetterId).Order());
        foreach (var file in rows.GroupBy(r => r.File))
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, file.Key), TestContext.Current.CancellationToken);
            Assert.All(file, r => Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), r.Sha));
            Assert.Single(file.Select(r => r.Kind).Distinct());
            var expected = 1;
            foreach (var r in file.OrderBy(r => r.FirstPage))
            {
                Assert.Equal(expected, r.FirstPage);
                expected += r.PageCount;
            }
            using var pdf = PdfDocument.Open(bytes);
            Assert.Equal(expected - 1, pdf.NumberOfPages);
            foreach (var r in file)
            {
                var pages = Enumerable.Range(r.FirstPage, r.PageCount).Select(pdf.GetPage).ToList();
                var first = pages[0];
                Assert.Equal(595.3, first.Width, 0.6);
                Assert.Equal(841.9, first.Height, 0.6);
                var text = string.Join(' ', pages.SelectMany(p => p.GetWords()).Select(w => w.Text));
                Assert.Contains("Jürgen", text, StringComparison.Ordinal);
                Assert.Contains("Groß", text, StringComparison.Ordinal);
                Assert.Contains("Schloßallee", text, StringComparison.Ordinal);
                Assert.Contains(r.Kvnr, text, StringComparison.Ordinal);

                // Recipient lines inside the address window (20 mm left, 45 mm top, 85 × 45 mm); nothing in the free band.
                var window = first.GetWords().Where(w => w.Text is "Jürgen" or "Schloßallee" or "35037" && (first.Height - w.BoundingBox.Top) / Mm < 95).ToList();
                Assert.Equal(3, window.Count);
                Assert.All(window, w =>
                {
                    Assert.InRange(w.BoundingBox.Left / Mm, 20, 105);
                    Assert.InRange(w.BoundingBox.Right / Mm, 20, 105);
                    Assert.InRange((first.Height - w.BoundingBox.Top) / Mm, 45, 90);
                    Assert.InRange((first.Height - w.BoundingBox.Bottom) / Mm, 45, 90);
                });
                Assert.DoesNotContain(first.Letters, l => (first.Height - l.BoundingBox.Bottom) / Mm > 53 && (first.Height - l.BoundingBox.Top) / Mm < 66);

                foreach (var (letterId, code) in codes)
                {
                    var count = LetterExportFixture.Standalone(code).Count(text);
                    Assert.Equal(letterId == r.LetterId ? 1 : 0, count);
                }
                Assert.Equal(LetterKinds.CarriesCode(r.Kind), text.Contains("Ihr persönlicher Authentifizierungscode", StringComparison.Ordinal));
            }
            // Metadata never names a code.
            Assert.All(codes.Values, c => Assert.DoesNotContain(c, pdf.Information.Title ?? "", StringComparison.Ordinal));
        }

        // The database: all exported, no sealed code left, codes usable.
        await f.WithDbAsync(async db =>
        {
            Assert.All(await db.Letters.ToListAsync(), l =>
            {
                Assert.NotNull(l.ExportedAt);
                Assert.Null(l.SealedCode);
            });
            Assert.All(await db.AuthCodes.ToListAsync(), a => Assert.Equal(AuthCodeState.Active, a.State));
            return 0;
        });
        if (f.Db.SqliteFile is { } file1)
        {
            var bytes = File.ReadAllBytes(file1).Concat(File.Exists(file1 + "-wal") ? File.ReadAllBytes(file1 + "-wal") : []).ToArray();
            var latin = Encoding.Latin1.GetString(bytes);
            Assert.All(codes.Values, c => Assert.DoesNotMatch(LetterExportFixture.Standalone(c), latin));
            Assert.All(sealedCodes, s => Assert.Equal(-1, bytes.AsSpan().IndexOf(s)));
        }

        // Nothing is due any more: a second run writes no batch.
        var again = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.Contains("Keine fälligen Briefe", again.Out, StringComparison.Ordinal);
        Assert.Single(BatchFolders(f.OutDir));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_hard_exit_between_files_and_commit_loses_nothing_and_prints_nothing_twice(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        for (var i = 0; i < 3; i++)
        {
            await f.AddPersonAsync();
        }
        await f.IssueDueAsync();
        var codes = await f.PendingCodesAsync();

        // The real executable, killed right after its files are durable and before the commit.
        var crashed = await f.ChildAsync(new Dictionary<string, string> { ["PFORTE_TEST_EXPORT_CRASH_AFTER_WRITE"] = "1" }, "letters", "export", "--out", f.OutDir);
        Assert.True(crashed.ExitCode == 137, crashed.Err + crashed.Out);
        Assert.Empty(BatchFolders(f.OutDir));
        Assert.Single(Directory.GetDirectories(f.OutDir, ".partial-*"));
        Assert.Equal(codes, await f.PendingCodesAsync());
        Assert.Equal(0, await f.WithDbAsync(db => db.Letters.CountAsync(l => l.ExportedAt != null)));

        var rerun = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.True(rerun.ExitCode == 0, rerun.Err);
        Assert.Contains("1 nicht übergebene Teilstapel verworfen", rerun.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(f.OutDir, ".partial-*"));
        var folder = Assert.Single(BatchFolders(f.OutDir));
        var rows = ReadManifest(folder);
        Assert.Equal(codes.Keys.Order(), rows.Select(r => r.LetterId).Order());
        Assert.Single(rows.Select(r => r.BatchId).Distinct());
        Assert.Equal(rows[0].BatchId, await f.WithDbAsync(db => db.Letters.Select(l => l.BatchId).Distinct().SingleAsync()));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_second_export_into_a_folder_another_export_is_writing_is_refused_and_touches_nothing(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        await f.AddPersonAsync();
        await f.AddPersonAsync();
        await f.IssueDueAsync();
        await using (var scope = f.Services.CreateAsyncScope())
        {
            var export = scope.ServiceProvider.GetRequiredService<ExportLetters>();
            CliRunner.Run? second = null;
            export.AfterFilesWritten = async _ =>
            {
                // The first run's files are durable, its commit not yet done: an operator starts another run.
                second = await f.CliAsync("letters", "export", "--out", f.OutDir);
                Assert.Single(Directory.GetDirectories(f.OutDir, ".partial-*"));
            };
            var first = await export.ExecuteAsync(new ExportLettersRequest(f.OutDir), AuditContext.System("test"));
            Assert.True(first.IsSuccess, first.Error?.Message);
            Assert.NotNull(second);
            Assert.NotEqual(0, second.ExitCode);
            Assert.Contains(ErrorCodes.LetterExportFolderBusy, second.Err, StringComparison.Ordinal);
        }
        var folder = Assert.Single(BatchFolders(f.OutDir));
        Assert.Equal(2, ReadManifest(folder).Count);
        Assert.Empty(Directory.GetDirectories(f.OutDir, ".partial-*"));
        Assert.Equal(2, await f.WithDbAsync(db => db.Letters.CountAsync(l => l.ExportedAt != null)));

        var afterwards = await f.CliAsync("letters", "export", "--out", f.OutDir); // the lock is free again
        Assert.True(afterwards.ExitCode == 0, afterwards.Err);
        Assert.Contains("Keine fälligen Briefe", afterwards.Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_crash_after_the_commit_leaves_a_complete_batch_that_the_next_run_puts_in_place(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        await f.AddPersonAsync();
        await f.AddPersonAsync();
        await f.IssueDueAsync();
        await using (var scope = f.Services.CreateAsyncScope())
        {
            var export = scope.ServiceProvider.GetRequiredService<ExportLetters>();
            export.AfterCommit = _ => throw new IOException("simulated crash after commit");
            await Assert.ThrowsAsync<IOException>(() => export.ExecuteAsync(new ExportLettersRequest(f.OutDir), AuditContext.System("test")));
        }
        Assert.Empty(BatchFolders(f.OutDir));
        var rerun = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.Contains("1 übergebene Stapel fertiggestellt", rerun.Out, StringComparison.Ordinal);
        Assert.Contains("Keine fälligen Briefe", rerun.Out, StringComparison.Ordinal);
        var folder = Assert.Single(BatchFolders(f.OutDir));
        Assert.Equal(2, ReadManifest(folder).Count);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Returned_code_letter_blocks_the_code_and_holds_further_mail_to_that_address(string provider)
    {
        await using var f = await LetterExportFixture.CreateAsync(provider);
        var returnedPerson = await f.AddPersonAsync();
        var lostPerson = await f.AddPersonAsync(street: "Lindenweg");
        await f.IssueDueAsync();
        var notice = await f.QueueAsync(lostPerson, LetterKinds.CodeChanged); // a notice without code in the same batch
        var first = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.True(first.ExitCode == 0, first.Err);
        var letter = await f.WithDbAsync(db => db.Letters.SingleAsync(l => l.PersonId == returnedPerson.Id));

        var marked = await f.CliAsync("letters", "returned", letter.Id.ToString("N"));
        Assert.True(marked.ExitCode == 0, marked.Err);
        Assert.Contains("der Code ist gesperrt", marked.Out, StringComparison.Ordinal);
        var code = await f.WithDbAsync(db => db.AuthCodes.SingleAsync(a => a.PersonId == returnedPerson.Id));
        Assert.Equal(AuthCodeState.None, code.State);
        Assert.Equal(AuthCodeReasons.LetterReturned, code.Reason);
        Assert.Null(code.CodeHash);

        // No further letter to the dead address; the daily run does not issue either.
        await f.QueueAsync(returnedPerson, LetterKinds.CodeChanged);
        await f.IssueDueAsync();
        var held = await f.CliAsync("letters", "export", "--out", f.OutDir);
        Assert.Contains("1 Brief zurückgehalten", held.Out, StringComparison.Ordinal);
        Assert.Contains("Keine fälligen Briefe", held.Out, StringComparison.Ordinal);

        // A lost batch: the code of the other person is replaced by a new one in a new letter.
        var unknown = await f.CliAsync("letters", "reissue-batch", Guid.NewGuid().ToString());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("PF-LET-003", unknown.Err, StringComparison.Ordinal);
        var reissue = await f.CliAsync("letters", "reissue-batch", letter.BatchId!.Value.ToString());
        Assert.True(reissue.ExitCode == 0, reissue.Err);
        Assert.Contains("2 Code-Briefe, 1 Code gesperrt und neu ausgegeben, 1 nicht nötig", reissue.Out, StringComparison.Ordinal);
        Assert.Contains("1 Brief ohne Code erneut verschickt", reissue.Out, StringComparison.Ordinal);
        // The notice goes out again, as a copy to the address the lost one went to.
        var copy = await f.WithDbAsync(db => db.Letters.SingleAsync(l => l.PersonId == lostPerson.Id && l.Kind == LetterKinds.CodeChanged && l.ExportedAt == null));
        Assert.NotEqual(notice, copy.Id);
        Assert.Equal("Lindenweg", copy.Street);
        Assert.Null(copy.SealedCode);
        var lostCode = await f.WithDbAsync(db => db.AuthCodes.SingleAsync(a => a.PersonId == lostPerson.Id));
        Assert.Equal(AuthCodeState.Pending, lostCode.State);
        Assert.Equal(AuthCodeReasons.BatchLost, lostCode.Reason);
        Assert.Equal(LetterKinds.CodeReissued, await f.WithDbAsync(db => db.Letters.Where(l => l.Id == lostCode.PendingLetterId).Select(l => l.Kind).SingleAsync()));

        var notExported = await f.CliAsync("letters", "returned", lostCode.PendingLetterId!.Value.ToString());
        Assert.Contains("PF-LET-002", notExported.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_renders_every_kind_without_a_real_code_and_with_embedded_fonts()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pforte-tests", "samples-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var kind in LetterKinds.All)
            {
                var path = Path.Combine(dir, kind + ".pdf");
                var run = await CliRunner.RunAsync(new Dictionary<string, string?>(), "letters", "sample", kind, "--out", path);
                Assert.True(run.ExitCode == 0, run.Err);
                using var pdf = PdfDocument.Open(path);
                var text = string.Join(' ', pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
                Assert.Contains("MUSTER", text, StringComparison.Ordinal);
                Assert.Equal(LetterKinds.CarriesCode(kind), text.Contains("••••", StringComparison.Ordinal));
                Assert.Contains(LetterTexts.For(kind).Subject.Split(' ')[1], text, StringComparison.Ordinal);
                var fonts = pdf.GetPages().SelectMany(p => p.Letters).Select(l => l.FontName).Distinct().ToList();
                Assert.All(fonts, name => Assert.Contains("DejaVu", name, StringComparison.Ordinal));
                Assert.Contains("Müller-Weiß", text, StringComparison.Ordinal);
            }
            // pdffonts (poppler) as a second reader: every font embedded.
            var info = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("pdffonts", Path.Combine(dir, "code-first.pdf")) { RedirectStandardOutput = true })!;
            var output = await info.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await info.WaitForExitAsync(TestContext.Current.CancellationToken);
            var fontLines = output.Split('\n').Skip(2).Where(l => l.Trim().Length > 0).ToList();
            Assert.NotEmpty(fontLines);
            Assert.All(fontLines, l => Assert.Matches(@"\s+yes\s+yes\s+yes\s+", l));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Letters_of_one_file_share_their_common_text_but_each_page_shows_only_its_own_code()
    {
        var sender = new Letterhead("Muster-Krankenkasse", "Beispielweg 1", "12345 Musterstadt", "109999999");
        var codes = Enumerable.Range(0, 40).Select(i => (1000 + (i * 211)).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var models = codes.Select((code, i) => LetterTexts.Compose(LetterKinds.CodeFirst, sender,
                new LetterAddress(i % 2 == 0 ? "Jürgen" : "Maximiliane Friederike Charlotte Henriette", "Groß" + i, "Schloßallee", "3", "35037", "Marburg", "DE"),
                "A123456780", new DateOnly(2026, 11, 28), Guid.NewGuid().ToString("N"), code))
            .Append(LetterTexts.Compose(LetterKinds.CodeChanged, sender, new LetterAddress("Jürgen", "Groß", "Schloßallee", "3", "35037", "Marburg", "DE"),
                "A123456780", new DateOnly(2026, 11, 28), Guid.NewGuid().ToString("N"), null))
            .ToList();
        using var buffer = new MemoryStream();
        var pageCounts = new PdfLetterRenderer().Render(models, buffer);

        using var pdf = PdfDocument.Open(buffer.ToArray());
        Assert.Equal(pageCounts.Sum(), pdf.NumberOfPages);
        var page = 1;
        for (var i = 0; i < models.Count; i++)
        {
            var text = string.Join(' ', Enumerable.Range(page, pageCounts[i]).Select(pdf.GetPage).SelectMany(p => p.GetWords()).Select(w => w.Text));
            page += pageCounts[i];
            // Shared text (letterhead, body) is on every page, the letter's own text only on its pages.
            Assert.Contains("Muster-Krankenkasse", text, StringComparison.Ordinal);
            Assert.Equal(i < codes.Count, text.Contains("fragen Sie nie", StringComparison.Ordinal));
            Assert.Contains("Groß" + (i < codes.Count ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""), text, StringComparison.Ordinal);
            foreach (var (code, j) in codes.Select((c, j) => (c, j)))
            {
                Assert.Equal(i == j ? 1 : 0, LetterExportFixture.Standalone(code).Count(text));
            }
        }
        // The common text is stored once per file, not once per letter: each further letter adds little.
        using var twice = new MemoryStream();
        new PdfLetterRenderer().Render(models.Concat(models).ToList(), twice);
        Assert.InRange((twice.Length - buffer.Length) / models.Count, 100, 1_200);
    }

    [Fact]
    public void Texts_parse_for_every_kind_and_only_code_letters_have_the_box()
    {
        foreach (var kind in LetterKinds.All)
        {
            var t = LetterTexts.For(kind);
            Assert.NotEmpty(t.Subject);
            Assert.Equal(LetterKinds.CarriesCode(kind), t.Paragraphs.Contains(LetterTexts.CodeMarker));
        }
        Assert.Contains(LetterTexts.For(LetterKinds.CodeReissuedAfterLock).Paragraphs, p => p.Contains("falsch eingegeben", StringComparison.Ordinal));
        Assert.Contains(LetterTexts.For(LetterKinds.CodeFirst).Paragraphs, p => p.Contains("fragen Sie nie", StringComparison.Ordinal));
        _ = new PdfLetterRenderer();
    }
}
