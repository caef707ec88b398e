using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Letters;

public sealed record ExportLettersRequest(string OutputDirectory, string? Kind = null, int? Max = null);

public sealed record ExportProgress(int LettersWritten, int LettersTotal, int Files);

/// <param name="Folder">The complete batch folder, null when nothing was due.</param>
/// <param name="SkippedWithoutCode">Code letters whose code was deleted before print: not printed, never will be.</param>
/// <param name="HeldUndeliverable">Letters to an address from which mail came back: held until the address changes.</param>
/// <param name="RecoveredBatches">Batches of an earlier run that had committed but not yet been moved into place.</param>
/// <param name="DiscardedPartials">Files of an earlier run that crashed before its commit (their letters are in this batch again).</param>
public sealed record ExportLettersResult(Guid? BatchId, string? Folder, int Letters, int Files, int Pages, int SkippedWithoutCode, int HeldUndeliverable,
    int RecoveredBatches, int DiscardedPartials, TimeSpan Elapsed);

/// <summary>A row of manifest.csv.</summary>
public sealed record ManifestRow(Guid LetterId, Guid BatchId, string Kind, string Kvnr, string PdfFile, int FirstPage, int PageCount, string PostalCode, string PdfSha256);

/// <summary>
/// The print hand-over (issue 4): one batch folder per run with PDF files of at most 1,000 letters (one kind per file,
/// so code letters never share a file with others) and manifest.csv. The folder is written under a hidden
/// ".partial-" name and synced; <see cref="LetterHandOver"/> then commits "exported + codes cleared + codes usable";
/// only after that the folder gets its final name, which is what the print service picks up. A crash before the
/// commit leaves a partial folder whose letters are still due (the next run deletes it and writes them again, once);
/// a crash after the commit leaves a partial folder of a committed batch, which the next run moves into place.
/// </summary>
public sealed class ExportLetters(PforteDbContext db, LetterHandOver handOver, ILetterRenderer renderer, TimeProvider clock)
{
    public const int LettersPerFile = 1000;
    public const string PartialPrefix = ".partial-";
    public const string ManifestFile = "manifest.csv";
    public const string ManifestHeader = "letter_id;batch_id;kind;kvnr;pdf_file;first_page;page_count;recipient_postal_code;pdf_sha256";

    /// <summary>Test seam: runs after the files are durable and before the commit (a crash here must lose nothing).</summary>
    public Func<CancellationToken, Task>? AfterFilesWritten { get; set; }

    /// <summary>Test seam: runs after the commit and before the folder is moved into place.</summary>
    public Func<CancellationToken, Task>? AfterCommit { get; set; }

    public async Task<Result<ExportLettersResult>> ExecuteAsync(ExportLettersRequest request, AuditContext context, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind is { } k && !LetterKinds.All.Contains(k, StringComparer.Ordinal))
        {
            return new Error(ErrorCodes.LetterKindUnknown, string.Join(", ", LetterKinds.All));
        }
        if (request.Max is <= 0)
        {
            return new Error(ErrorCodes.LetterCountInvalid);
        }
        var watch = Stopwatch.StartNew();
        var root = Path.GetFullPath(request.OutputDirectory);
        Directory.CreateDirectory(root);
        var (recovered, discarded) = await RecoverAsync(root, cancellationToken).ConfigureAwait(false);

        var due = db.Letters.AsNoTracking().Where(l => l.ExportedAt == null);
        if (request.Kind is { } kind)
        {
            due = due.Where(l => l.Kind == kind);
        }
        var codeKinds = LetterKinds.All.Where(LetterKinds.CarriesCode).ToList();
        var skipped = await due.CountAsync(l => codeKinds.Contains(l.Kind) && l.SealedCode == null, cancellationToken).ConfigureAwait(false);
        var printable = due.Where(l => !codeKinds.Contains(l.Kind) || l.SealedCode != null);
        var undeliverable = printable.Where(l => db.Letters.Any(r => r.PersonId == l.PersonId && r.ReturnedAt != null
            && r.Street == l.Street && r.HouseNumber == l.HouseNumber && r.PostalCode == l.PostalCode && r.City == l.City && r.Country == l.Country));
        var held = await undeliverable.CountAsync(cancellationToken).ConfigureAwait(false);
        var deliverable = printable.Where(l => !db.Letters.Any(r => r.PersonId == l.PersonId && r.ReturnedAt != null
            && r.Street == l.Street && r.HouseNumber == l.HouseNumber && r.PostalCode == l.PostalCode && r.City == l.City && r.Country == l.Country))
            .OrderBy(l => l.QueuedAt).ThenBy(l => l.Id).Select(l => l.Id);
        var ids = await (request.Max is { } max ? deliverable.Take(max) : deliverable).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return new ExportLettersResult(null, null, 0, 0, 0, skipped, held, recovered, discarded, watch.Elapsed);
        }

        var kassen = await db.Kassen.AsNoTracking().ToDictionaryAsync(x => x.Id, cancellationToken).ConfigureAwait(false);
        var batchId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var name = $"batch-{TimeZoneInfo.ConvertTime(now, BerlinCalendar.Zone):yyyyMMdd-HHmmss}-{batchId:N}";
        var partial = Path.Combine(root, PartialPrefix + name);
        var final = Path.Combine(root, name);
        var date = BerlinCalendar.Today(clock);
        int files = 0, pages = 0;

        async Task Write(IReadOnlyList<LetterForPrint> letters, CancellationToken ct)
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
            Directory.CreateDirectory(partial);
            var manifest = new List<ManifestRow>(letters.Count);
            var written = 0;
            foreach (var group in letters.GroupBy(l => l.Letter.Kind).OrderBy(g => LetterKinds.All.ToList().IndexOf(g.Key)))
            {
                foreach (var chunk in group.Chunk(LettersPerFile))
                {
                    ct.ThrowIfCancellationRequested();
                    files++;
                    var file = $"{files:0000}-{group.Key}.pdf";
                    var models = chunk.Select(l => Compose(l, kassen[l.Letter.KasseId], date)).ToList();
                    using var buffer = new MemoryStream();
                    var pageCounts = renderer.Render(models, buffer);
                    var sha = Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
                    await WriteDurablyAsync(Path.Combine(partial, file), buffer, ct).ConfigureAwait(false);
                    var page = 1;
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        var l = chunk[i].Letter;
                        manifest.Add(new ManifestRow(l.Id, batchId, l.Kind, l.Kvnr, file, page, pageCounts[i], l.PostalCode, sha));
                        page += pageCounts[i];
                    }
                    pages += page - 1;
                    written += chunk.Length;
                    progress?.Report(new ExportProgress(written, letters.Count, files));
                }
            }
            using var csv = new MemoryStream();
            await using (var writer = new StreamWriter(csv, new UTF8Encoding(false), leaveOpen: true))
            {
                await writer.WriteAsync(ManifestHeader + "\n").ConfigureAwait(false);
                foreach (var r in manifest)
                {
                    await writer.WriteAsync(string.Join(';', r.LetterId.ToString("D"), r.BatchId.ToString("D"), r.Kind, r.Kvnr, r.PdfFile,
                        r.FirstPage.ToString(CultureInfo.InvariantCulture), r.PageCount.ToString(CultureInfo.InvariantCulture), Field(r.PostalCode), r.PdfSha256) + "\n").ConfigureAwait(false);
                }
            }
            await WriteDurablyAsync(Path.Combine(partial, ManifestFile), csv, ct).ConfigureAwait(false);
            FileSync.Directory(partial);
            FileSync.Directory(root);
            if (AfterFilesWritten is { } hook)
            {
                await hook(ct).ConfigureAwait(false);
            }
        }

        var count = await handOver.HandOverAsync(ids, batchId, Write, context, cancellationToken).ConfigureAwait(false);
        if (count == 0)
        {
            return new ExportLettersResult(null, null, 0, 0, 0, skipped, held, recovered, discarded, watch.Elapsed);
        }
        if (AfterCommit is { } after)
        {
            await after(cancellationToken).ConfigureAwait(false);
        }
        Directory.Move(partial, final);
        FileSync.Directory(root);
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        return new ExportLettersResult(batchId, final, count, files, pages, skipped, held, recovered, discarded, watch.Elapsed);
    }

    /// <summary>Builds one letter's render model from its outbox row (address as queued) and the Kasse's letterhead.</summary>
    public static LetterRenderModel Compose(LetterForPrint letter, Kasse kasse, DateOnly date, string? watermark = null)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(kasse);
        var sender = new Letterhead(kasse.Name, $"{kasse.SenderStreet} {kasse.SenderHouseNumber}", $"{kasse.SenderPostalCode} {kasse.SenderCity}", kasse.Ik);
        // The letter id without dashes: staff type it for returned mail, and it never forms a 4-digit group like a code.
        return LetterTexts.Compose(letter.Letter.Kind, sender, LetterAddress.Of(letter.Letter), letter.Letter.Kvnr, date, letter.Letter.Id.ToString("N"), letter.Code, watermark);
    }

    /// <summary>Finishes what a crashed run left: committed batches are moved into place, uncommitted files deleted.</summary>
    private async Task<(int Recovered, int Discarded)> RecoverAsync(string root, CancellationToken cancellationToken)
    {
        int recovered = 0, discarded = 0;
        foreach (var dir in Directory.EnumerateDirectories(root, PartialPrefix + "batch-*"))
        {
            var name = Path.GetFileName(dir)[PartialPrefix.Length..];
            if (!Guid.TryParseExact(name[(name.LastIndexOf('-') + 1)..], "N", out var batchId))
            {
                continue;
            }
            if (await db.Letters.AnyAsync(l => l.BatchId == batchId, cancellationToken).ConfigureAwait(false))
            {
                Directory.Move(dir, Path.Combine(root, name));
                recovered++;
            }
            else
            {
                Directory.Delete(dir, recursive: true);
                discarded++;
            }
        }
        if (recovered + discarded > 0)
        {
            FileSync.Directory(root);
        }
        return (recovered, discarded);
    }

    /// <summary>On SQLite, moves the committed pages (code columns cleared, freed bytes zeroed) from the WAL into the file.</summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteDurablyAsync(string path, MemoryStream content, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        content.Position = 0;
        await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(";\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
