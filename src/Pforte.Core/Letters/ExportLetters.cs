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

/// <param name="Max">At most this many letters in this run (null: every letter due).</param>
/// <param name="BatchSize">At most this many letters per batch folder; a larger run writes several batches, each committed on its own.</param>
/// <param name="KasseIk">Only this Kasse's letters (null: every Kasse's, each in batches of its own).</param>
public sealed record ExportLettersRequest(string OutputDirectory, string? Kind = null, int? Max = null, int BatchSize = ExportLetters.DefaultBatchSize, string? KasseIk = null);

/// <param name="LettersWritten">Letters in print files so far in this run (all batches).</param>
/// <param name="LettersTotal">Letters this run hands over.</param>
public sealed record ExportProgress(int LettersWritten, int LettersTotal, int Files);

/// <summary>One committed batch folder of a run: one Kasse's letters only.</summary>
public sealed record ExportedBatch(Guid BatchId, string Folder, int Letters, int Files, int Pages, string KasseIk);

/// <param name="Batches">The complete batch folders of this run, in order; empty when nothing was due.</param>
/// <param name="CancelledWithoutCode">
/// Code letters left behind without their code by an earlier version (which cleared the code of a superseded letter but
/// kept the letter queued): cancelled by this run, audited, and never reported again. Letters superseded now are
/// cancelled at once (<see cref="LetterCancellation"/>).
/// </param>
/// <param name="HeldUndeliverable">Letters to an address from which mail came back: held until the address changes.</param>
/// <param name="RecoveredBatches">Batches of an earlier run that had committed but not yet been moved into place.</param>
/// <param name="DiscardedPartials">Files of an earlier run that crashed before its commit (their letters are in this batch again).</param>
public sealed record ExportLettersResult(IReadOnlyList<ExportedBatch> Batches, int CancelledWithoutCode, int HeldUndeliverable,
    int RecoveredBatches, int DiscardedPartials, TimeSpan Elapsed)
{
    public int Letters => Batches.Sum(b => b.Letters);

    public int Files => Batches.Sum(b => b.Files);

    public int Pages => Batches.Sum(b => b.Pages);
}

/// <summary>A row of manifest.csv.</summary>
public sealed record ManifestRow(Guid LetterId, Guid BatchId, string Kind, string Kvnr, string PdfFile, int FirstPage, int PageCount, string PostalCode, string PdfSha256, string KasseIk);

/// <summary>
/// The print hand-over (issue 4): batch folders with PDF files of at most 1,000 letters (one kind per file, so code
/// letters never share a file with others) and manifest.csv. A batch never mixes Kassen (issue 11): each Kasse has its
/// own sender and print contract, so every batch holds one Kasse's letters, and its folder, its PDF files and every
/// manifest row name that Kasse's IK. Each folder is written under a hidden ".partial-" name
/// and synced; <see cref="LetterHandOver"/> then commits "exported + codes cleared + codes usable"; only after that
/// the folder gets its final name, which is what the print service picks up. A crash before the commit leaves a
/// partial folder whose letters are still due (the next run deletes it and writes them again, once); a crash after the
/// commit leaves a partial folder of a committed batch, which the next run moves into place.
/// </summary>
/// <remarks>
/// A run hands over at most <see cref="ExportLettersRequest.BatchSize"/> letters per batch, so that a roll-out of a
/// million letters keeps memory flat (only the ids of the due letters, 16 bytes each, are held for the whole run) and
/// a crash repeats at most one batch. The print files of a batch are rendered on all cores.
/// </remarks>
public sealed class ExportLetters(PforteDbContext db, LetterHandOver handOver, ILetterRenderer renderer, AuditLog audit, TimeProvider clock)
{
    public const int LettersPerFile = 1000;
    public const int DefaultBatchSize = 20_000;
    public const string PartialPrefix = ".partial-";
    public const string ManifestFile = "manifest.csv";

    /// <summary>Held (exclusively) in the output folder while an export runs; stays behind empty, which is harmless.</summary>
    public const string LockFile = ".pforte-export.lock";
    /// <summary>The manifest's columns; <c>kasse_ik</c> was added last (issue 11) so that readers of the earlier columns keep working.</summary>
    public const string ManifestHeader = "letter_id;batch_id;kind;kvnr;pdf_file;first_page;page_count;recipient_postal_code;pdf_sha256;kasse_ik";

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
        if (request.Max is <= 0 || request.BatchSize <= 0)
        {
            return new Error(ErrorCodes.LetterCountInvalid);
        }
        var watch = Stopwatch.StartNew();
        var root = Path.GetFullPath(request.OutputDirectory);
        Directory.CreateDirectory(root);
        if (!TryLockFolder(root).TryGetValue(out var folderLock, out var busy))
        {
            return busy;
        }
        await using (folderLock.ConfigureAwait(false))
        {
            return await ExportAsync(request, context, root, watch, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One export per folder at a time, across processes on this host (the web host's scheduled hand-over, an operator's
    /// CLI run): a second one would take the first one's unfinished folder for a crashed run's and delete it. An
    /// exclusive lock (flock) on <see cref="LockFile"/>, held until the returned stream is disposed; the kernel releases
    /// it if the process dies. Opened for reading only, so a file another account created does not block the next run.
    /// Not across hosts on a network share (NFS, SMB): there, only one node may export into a folder.
    /// </summary>
    public static Result<FileStream> TryLockFolder(string root)
    {
        var path = Path.Combine(root, LockFile);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.None);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return new Error(ErrorCodes.LetterExportFolderBusy, root);
        }
        catch (UnauthorizedAccessException)
        {
            return new Error(ErrorCodes.LetterExportFolderLockDenied, path);
        }
    }

    /// <summary>
    /// The lock is held by another open file: .NET reports the OS's error number as HResult — EWOULDBLOCK on Unix
    /// (11 on Linux, 35 on macOS), ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION on Windows. Any other I/O error is
    /// not "busy" and is thrown as it is.
    /// </summary>
    private static bool IsHeldElsewhere(IOException e) => e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    private async Task<Result<ExportLettersResult>> ExportAsync(ExportLettersRequest request, AuditContext context, string root, Stopwatch watch,
        IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        Kasse? only = null;
        if (request.KasseIk is { } ik)
        {
            if (!(await KasseLookup.ResolveAsync(db, ik, cancellationToken).ConfigureAwait(false)).TryGetValue(out var kasse, out var unknown))
            {
                return unknown;
            }
            only = kasse;
        }
        var (recovered, discarded) = await RecoverAsync(root, cancellationToken).ConfigureAwait(false);

        var due = db.Letters.AsNoTracking().Where(l => l.ExportedAt == null);
        if (only is not null)
        {
            due = due.Where(l => l.KasseId == only.Id);
        }
        if (request.Kind is { } kind)
        {
            due = due.Where(l => l.Kind == kind);
        }
        var codeKinds = LetterKinds.All.Where(LetterKinds.CarriesCode).ToList();
        var skipped = await CancelLeftoversAsync(due.Where(l => codeKinds.Contains(l.Kind) && l.SealedCode == null), context, cancellationToken).ConfigureAwait(false);
        var printable = due.Where(l => !codeKinds.Contains(l.Kind) || l.SealedCode != null);
        var undeliverable = printable.Where(l => db.Letters.Any(r => r.PersonId == l.PersonId && r.ReturnedAt != null
            && r.Street == l.Street && r.HouseNumber == l.HouseNumber && r.PostalCode == l.PostalCode && r.City == l.City && r.Country == l.Country));
        var held = await undeliverable.CountAsync(cancellationToken).ConfigureAwait(false);
        var deliverable = printable.Where(l => !db.Letters.Any(r => r.PersonId == l.PersonId && r.ReturnedAt != null
            && r.Street == l.Street && r.HouseNumber == l.HouseNumber && r.PostalCode == l.PostalCode && r.City == l.City && r.Country == l.Country))
            .OrderBy(l => l.QueuedAt).ThenBy(l => l.Id).Select(l => new { l.Id, l.KasseId });
        // The run's work list, read once: ids only, oldest first. --max cuts it across Kassen by age, so a Kasse whose
        // letters did not fit is first in the next run.
        var work = await (request.Max is { } max ? deliverable.Take(max) : deliverable).ToListAsync(cancellationToken).ConfigureAwait(false);

        var kassen = await db.Kassen.AsNoTracking().ToDictionaryAsync(x => x.Id, cancellationToken).ConfigureAwait(false);
        var date = BerlinCalendar.Today(clock);
        var batches = new List<ExportedBatch>();
        var run = new RunProgress(work.Count, progress);
        // One Kasse at a time (the one whose oldest letter waits longest first): a batch never mixes Kassen.
        foreach (var perKasse in work.GroupBy(w => w.KasseId))
        {
            foreach (var chunk in perKasse.Select(w => w.Id).Chunk(request.BatchSize))
            {
                if (await ExportBatchAsync(root, chunk, kassen[perKasse.Key], date, context, run, cancellationToken).ConfigureAwait(false) is { } batch)
                {
                    batches.Add(batch);
                }
            }
        }
        return new ExportLettersResult(batches, skipped, held, recovered, discarded, watch.Elapsed);
    }

    /// <summary>Cancels (audited) code letters an earlier version left queued without their code; see <see cref="ExportLettersResult.CancelledWithoutCode"/>.</summary>
    private async Task<int> CancelLeftoversAsync(IQueryable<OutboxLetter> leftovers, AuditContext context, CancellationToken cancellationToken)
    {
        var ids = await leftovers.Select(l => l.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return 0;
        }
        var cancelled = 0;
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        foreach (var id in ids)
        {
            if (await LetterCancellation.CancelUnprintedAsync(db, audit, id, LetterCancellation.Superseded, context, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                cancelled++;
            }
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return cancelled;
    }

    /// <summary>Counts letters over the batches of a run; files are finished on several threads.</summary>
    private sealed class RunProgress(int total, IProgress<ExportProgress>? progress)
    {
        private readonly Lock _gate = new();
        private int _letters;
        private int _files;

        public void FileDone(int letters)
        {
            lock (_gate)
            {
                _letters += letters;
                _files++;
                progress?.Report(new ExportProgress(_letters, total, _files));
            }
        }
    }

    /// <summary>One Kasse's batch folder: written, synced, committed, moved into place. Null when another run took its letters.</summary>
    private async Task<ExportedBatch?> ExportBatchAsync(string root, IReadOnlyList<Guid> ids, Kasse kasse, DateOnly date, AuditContext context,
        RunProgress run, CancellationToken cancellationToken)
    {
        var batchId = Guid.CreateVersion7();
        // The IK first, so that a print service (or a person) sorts and routes batches by Kasse; the batch id stays last.
        var name = $"batch-{kasse.Ik}-{TimeZoneInfo.ConvertTime(clock.GetUtcNow(), BerlinCalendar.Zone):yyyyMMdd-HHmmss}-{batchId:N}";
        var partial = Path.Combine(root, PartialPrefix + name);
        var final = Path.Combine(root, name);
        int files = 0, pages = 0;

        async Task Write(IReadOnlyList<LetterForPrint> letters, CancellationToken ct)
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
            Directory.CreateDirectory(partial);
            if (letters.FirstOrDefault(l => l.Letter.KasseId != kasse.Id) is { } stranger)
            {
                throw new InvalidOperationException($"Batch {batchId} is {kasse.Ik}'s; letter {stranger.Letter.Id} belongs to another Kasse.");
            }
            var order = LetterKinds.All.ToList();
            var printFiles = letters.GroupBy(l => l.Letter.Kind).OrderBy(g => order.IndexOf(g.Key))
                .SelectMany(g => g.Chunk(LettersPerFile).Select(chunk => (Kind: g.Key, Letters: chunk)))
                .Select((f, i) => (Name: $"{i + 1:0000}-{kasse.Ik}-{f.Kind}.pdf", f.Letters)).ToList();
            var rendered = new (IReadOnlyList<int> PageCounts, string Sha)[printFiles.Count];
            // PDFsharp documents are independent; fonts come from a resolver that only reads. One file per core.
            await Parallel.ForEachAsync(Enumerable.Range(0, printFiles.Count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
                async (i, token) =>
                {
                    var (file, chunk) = printFiles[i];
                    using var buffer = new MemoryStream();
                    var pageCounts = renderer.Render(chunk.Select(l => Compose(l, kasse, date)).ToList(), buffer);
                    var sha = Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
                    await WriteDurablyAsync(Path.Combine(partial, file), buffer, token).ConfigureAwait(false);
                    rendered[i] = (pageCounts, sha);
                    run.FileDone(chunk.Length);
                }).ConfigureAwait(false);

            var manifest = new List<ManifestRow>(letters.Count);
            for (var f = 0; f < printFiles.Count; f++)
            {
                var (file, chunk) = printFiles[f];
                var (pageCounts, sha) = rendered[f];
                var page = 1;
                for (var i = 0; i < chunk.Length; i++)
                {
                    var l = chunk[i].Letter;
                    manifest.Add(new ManifestRow(l.Id, batchId, l.Kind, l.Kvnr, file, page, pageCounts[i], l.PostalCode, sha, kasse.Ik));
                    page += pageCounts[i];
                }
                pages += page - 1;
            }
            files = printFiles.Count;
            using var csv = new MemoryStream();
            await using (var writer = new StreamWriter(csv, new UTF8Encoding(false), leaveOpen: true))
            {
                await writer.WriteAsync(ManifestHeader + "\n").ConfigureAwait(false);
                foreach (var r in manifest)
                {
                    await writer.WriteAsync(string.Join(';', r.LetterId.ToString("D"), r.BatchId.ToString("D"), r.Kind, r.Kvnr, r.PdfFile,
                        r.FirstPage.ToString(CultureInfo.InvariantCulture), r.PageCount.ToString(CultureInfo.InvariantCulture), Field(r.PostalCode), r.PdfSha256, r.KasseIk) + "\n").ConfigureAwait(false);
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
            return null;
        }
        if (AfterCommit is { } after)
        {
            await after(cancellationToken).ConfigureAwait(false);
        }
        Directory.Move(partial, final);
        FileSync.Directory(root);
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        return new ExportedBatch(batchId, final, count, files, pages, kasse.Ik);
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

/// <summary>The export's counts in German, the same words in the CLI and the web host's log.</summary>
public static class LetterCounts
{
    /// <summary>"1 Brief in 1 Datei", "5 Briefe in 2 Dateien".</summary>
    public static string InFiles(int letters, int files) =>
        $"{GermanText.Count(letters, "Brief", "Briefe")} in {GermanText.Count(files, "Datei", "Dateien")}";

    /// <summary>"7 Briefe in 3 Stapeln, 3 Dateien, 7 Seiten, 1,2 s (6 Briefe/s)"; the rate only for runs of a second or more.</summary>
    public static string Summary(ExportLettersResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"{GermanText.Count(result.Letters, "Brief", "Briefe")} in {GermanText.Count(result.Batches.Count, "Stapel", "Stapeln")}, "
            + $"{GermanText.Count(result.Files, "Datei", "Dateien")}, {GermanText.Count(result.Pages, "Seite", "Seiten")}, "
            + GermanText.Duration(result.Elapsed) + GermanText.Rate(result.Letters, result.Elapsed, "Briefe");
    }
}
