using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using nietras.SeparatedValues;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Insured.Import;

/// <summary>One refused row (or cell): the file's line number (header = 1), the column ("" for the whole row), why.</summary>
public sealed record ImportRowError(long Line, string Column, Error Error);

public sealed class ImportOptions
{
    /// <summary>Write the good rows even if some are bad (the bad ones are still reported).</summary>
    public bool SkipInvalid { get; init; }

    /// <summary>
    /// Rows per batch: one transaction. Unset: <see cref="ImportInsured.SqliteBatchSize"/> on SQLite,
    /// <see cref="ImportInsured.PostgresBatchSize"/> on PostgreSQL. Rows of persons the Kasse already holds go through
    /// the change tracker and are capped at <see cref="ImportInsured.ChangedPerBatch"/> per batch (and per look-up).
    /// </summary>
    public int? BatchSize { get; init; }

    public Action<ImportRowError>? OnRowError { get; init; }

    /// <summary>Called every <see cref="ProgressEvery"/> rows with the phase ("validate" or "write") and the rows done.</summary>
    public Action<string, long>? OnProgress { get; init; }

    public int ProgressEvery { get; init; } = 100_000;
}

public sealed record ImportSummary(long Rows, long Invalid, long Created, long Updated, long Unchanged, long CardsRecorded, bool Written, TimeSpan Elapsed)
{
    public long Changed => Created + Updated;
}

/// <summary>
/// <c>pforte import insured</c>: streams the core system's CSV twice. Pass 1 validates every row (fields, KVNR
/// unique in the file, card numbers free) without writing. Pass 2 — only if the file is clean or
/// <see cref="ImportOptions.SkipInvalid"/> is set — upserts by KVNR in batches, one transaction per batch.
/// Nothing is kept per row except a compact KVNR and card set, so memory does not grow with the file.
/// Audit: one summary entry per run; per-person entries only for changes of existing persons
/// (docs/decisions/0002-import-audit-granularity.md).
/// </summary>
public sealed class ImportInsured(PforteDbContext db, AuditLog audit, InsuredValidator validator, TimeProvider clock)
{
    /// <summary>
    /// SQLite writes every page a transaction changed to the WAL at its commit (and the checkpoint writes it again):
    /// with random KVNRs and card numbers a batch of 5,000 new persons changes about 7,000 index pages, 50,000 change
    /// each page of the two key indexes once for ten times the rows. Measured on 1,000,000 random-key rows: 12 GB
    /// written with 5,000, 3.2 GB with 50,000 (ADR 0002, "Random keys"). A batch holds the write lock for about a
    /// second; readers never wait (WAL), other writers wait that long.
    /// </summary>
    public const int SqliteBatchSize = 50_000;

    /// <summary>PostgreSQL writes WAL records per row, not pages per commit: batches of 50,000 measured no faster.</summary>
    public const int PostgresBatchSize = 5_000;

    /// <summary>Changed rows of existing persons per batch: each is tracked by EF Core with its cards and audit entries.</summary>
    public const int ChangedPerBatch = 5_000;

    /// <summary>
    /// SQLite page cache of the import's connection once it writes a batch of mostly new persons (SQLite's default:
    /// 2 MB): a 50,000-row batch changes about 15,000 pages, and a cache smaller than that spills them into the WAL
    /// before the commit. A delivery of changes only (batches of at most 5,000 rows) keeps the default and its memory.
    /// </summary>
    private const int SqliteImportCacheKib = 65_536;

    private bool _cacheRaised;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task<Result<ImportSummary>> ExecuteAsync(string path, Guid kasseId, ImportOptions options, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        var stopwatch = Stopwatch.StartNew();
        if (!File.Exists(path))
        {
            return new Error(ErrorCodes.ImportUnreadable, Path.GetFileName(path));
        }
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var batching = new Batching(options.BatchSize ?? (db.IsSqlite ? SqliteBatchSize : PostgresBatchSize));
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshot = await ImportSnapshot.LoadAsync(db, kasseId, cancellationToken).ConfigureAwait(false);
            var validation = await ValidateAsync(path, kasseId, snapshot, options, batching, cancellationToken).ConfigureAwait(false);
            if (!validation.TryGetValue(out var checkedFile, out var error))
            {
                return error;
            }
            var (rows, invalidLines) = checkedFile;
            var counts = new Counts();
            var write = invalidLines.Count == 0 || options.SkipInvalid;
            Error? writeError = null;
            if (write)
            {
                writeError = await WriteAsync(path, kasseId, snapshot, invalidLines, options, batching, context, counts, cancellationToken).ConfigureAwait(false);
            }
            var summary = new ImportSummary(rows, invalidLines.Count, counts.Created, counts.Updated, counts.Unchanged, counts.CardsRecorded, write, stopwatch.Elapsed);
            await AuditSummaryAsync(kasseId, context, path, summary, writeError, cancellationToken).ConfigureAwait(false);
            return writeError is null ? summary : writeError;
        }
        catch (DecoderFallbackException)
        {
            return new Error(ErrorCodes.ImportMalformed);
        }
        catch (IOException)
        {
            return new Error(ErrorCodes.ImportUnreadable, Path.GetFileName(path));
        }
        catch (UnauthorizedAccessException)
        {
            return new Error(ErrorCodes.ImportUnreadable, Path.GetFileName(path));
        }
        finally
        {
            if (_cacheRaised)
            {
                // The connection goes back to the pool: the next user gets SQLite's default cache again.
                await SetSqliteCacheAsync(2000, CancellationToken.None).ConfigureAwait(false);
                _cacheRaised = false;
            }
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private readonly record struct Batching(int Rows)
    {
        public int Changed => Math.Min(Rows, ChangedPerBatch);
    }

    private async Task SetSqliteCacheAsync(int kib, CancellationToken ct)
    {
        if (db.IsSqlite)
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
#pragma warning disable CA2100 // a number of ours, no input
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = -{kib};");
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private sealed class Counts
    {
        public long Created { get; set; }

        public long Updated { get; set; }

        public long Unchanged { get; set; }

        public long CardsRecorded { get; set; }
    }

    private static SepReader OpenReader(string path) =>
        Sep.New(';').Reader(o => o with { HasHeader = true, Unescape = true, DisableColCountCheck = true })
            .From(new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 }));

    private static Error? CheckHeader(SepReader reader)
    {
        var names = reader.Header.ColNames;
        if (names.Count == 0 || (names.Count == 1 && names[0].Length == 0))
        {
            return new Error(ErrorCodes.ImportNoHeader);
        }
        if (names.Count != InsuredColumns.All.Count || !names.SequenceEqual(InsuredColumns.All, StringComparer.Ordinal))
        {
            return new Error(ErrorCodes.ImportHeader, InsuredColumns.Header);
        }
        return null;
    }

    /// <summary>Empty lines (e.g. a blank line at the end of an export) carry no row; they are skipped, not refused.</summary>
    private static bool IsBlank(SepReader.Row row) => row.ColCount == 1 && row[0].Span.IsEmpty;

    private static InsuredFields ReadFields(SepReader.Row row) =>
        new(Cell(row, 0), Cell(row, 1), Cell(row, 2), Cell(row, 3), Cell(row, 4), Cell(row, 5), Cell(row, 6), Cell(row, 7),
            Cell(row, 8), Cell(row, 9), Cell(row, 10), Cell(row, 11), Cell(row, 12), Cell(row, 13), Cell(row, 14), Cell(row, 15));

    private static string? Cell(SepReader.Row row, int index)
    {
        var span = row[index].Span;
        return span.IsEmpty ? null : span.ToString();
    }

    private async Task<Result<(long Rows, HashSet<long> InvalidLines)>> ValidateAsync(string path, Guid kasseId, ImportSnapshot snapshot, ImportOptions options, Batching batching, CancellationToken ct)
    {
        using var reader = OpenReader(path);
        if (CheckHeader(reader) is { } headerError)
        {
            return headerError;
        }
        var invalid = new HashSet<long>();
        // Sized up front (a re-delivery has about as many rows as the Kasse has persons, a first delivery about one per
        // 100 bytes): growing a set of a million keys step by step leaves every smaller array behind as garbage.
        var expected = (int)Math.Min(Math.Max(snapshot.Count, new FileInfo(path).Length / 100), 5_000_000);
        var kvnrLines = new Dictionary<long, long>(expected);
        var cards = new HashSet<long>(expected);
        var pendingCards = new List<(long Line, string Kvnr, string Card)>(batching.Changed);
        var errors = new List<FieldError>();
        long rows = 0;

        void Report(long line, string column, Error error)
        {
            invalid.Add(line);
            options.OnRowError?.Invoke(new ImportRowError(line, column, error));
        }

        async Task CheckCardsAsync()
        {
            var owners = await InsuredUpsert.CardOwnersAsync(db, pendingCards.Select(p => p.Card).ToList(), ct).ConfigureAwait(false);
            foreach (var (line, kvnr, card) in pendingCards)
            {
                if (InsuredUpsert.CardConflicts(owners.GetValueOrDefault(card), kasseId, kvnr))
                {
                    Report(line, InsuredColumns.CardNumber, new Error(ErrorCodes.CardTakenByOther));
                }
            }
            pendingCards.Clear();
        }

        foreach (var row in reader)
        {
            ct.ThrowIfCancellationRequested();
            if (IsBlank(row))
            {
                continue;
            }
            rows++;
            var line = row.LineNumberFrom;
            if (rows % options.ProgressEvery == 0)
            {
                options.OnProgress?.Invoke("validate", rows);
            }
            if (row.ColCount != InsuredColumns.All.Count)
            {
                Report(line, "", new Error(ErrorCodes.ImportColumnCount, row.ColCount, InsuredColumns.All.Count));
                continue;
            }
            errors.Clear();
            var record = validator.Validate(ReadFields(row), errors);
            if (record is null)
            {
                foreach (var e in errors)
                {
                    Report(line, e.Field, e.Error);
                }
                continue;
            }
            var key = ImportKeys.Kvnr(record.Kvnr);
            if (!kvnrLines.TryAdd(key, line))
            {
                Report(line, InsuredColumns.Kvnr, new Error(ErrorCodes.ImportDuplicateKvnr, kvnrLines[key]));
                continue;
            }
            if (record.CardNumber is not null)
            {
                if (!cards.Add(ImportKeys.Card(record.CardNumber)))
                {
                    Report(line, InsuredColumns.CardNumber, new Error(ErrorCodes.CardTakenByOther));
                    continue;
                }
                // The person's own current card needs no look-up; any other card may belong to someone else.
                if (!snapshot.TryGet(key, out var known) || known.CardKey != ImportKeys.Card(record.CardNumber))
                {
                    pendingCards.Add((line, record.Kvnr, record.CardNumber));
                }
                if (pendingCards.Count >= batching.Changed)
                {
                    await CheckCardsAsync().ConfigureAwait(false);
                }
            }
        }
        if (pendingCards.Count > 0)
        {
            await CheckCardsAsync().ConfigureAwait(false);
        }
        return (rows, invalid);
    }

    /// <summary>
    /// Pass 2. The database can still refuse a batch that pass 1 accepted (another client recorded the same card in
    /// between): that batch rolls back, earlier batches stay, and the operator re-runs the file (idempotent).
    /// </summary>
    private async Task<Error?> WriteAsync(string path, Guid kasseId, ImportSnapshot snapshot, HashSet<long> invalidLines, ImportOptions options, Batching batching, AuditContext context, Counts counts, CancellationToken ct)
    {
        long batchFirstLine = 0;
        try
        {
            return await WriteRowsAsync(path, kasseId, snapshot, invalidLines, options, batching, context, counts, line => batchFirstLine = line, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            db.ChangeTracker.Clear();
            return new Error(ErrorCodes.ImportWriteRefused, batchFirstLine);
        }
    }

    private async Task<Error?> WriteRowsAsync(string path, Guid kasseId, ImportSnapshot snapshot, HashSet<long> invalidLines, ImportOptions options, Batching batching, AuditContext context, Counts counts, Action<long> batchStarts, CancellationToken ct)
    {
        using var reader = OpenReader(path);
        var batch = new List<InsuredRecord>(batching.Rows);
        var errors = new List<FieldError>();
        long rows = 0;
        var changedInBatch = 0;
        foreach (var row in reader)
        {
            ct.ThrowIfCancellationRequested();
            if (IsBlank(row))
            {
                continue;
            }
            rows++;
            if (rows % options.ProgressEvery == 0)
            {
                options.OnProgress?.Invoke("write", rows);
            }
            if (invalidLines.Contains(row.LineNumberFrom))
            {
                continue;
            }
            errors.Clear();
            // Validated in pass 1 already; validating again is cheaper than keeping a million records in memory.
            var record = validator.Validate(ReadFields(row), errors)
                ?? throw new InvalidOperationException($"Line {row.LineNumberFrom} changed between validation and writing.");
            var exists = snapshot.TryGet(ImportKeys.Kvnr(record.Kvnr), out var known);
            if (exists && ImportSnapshot.Unchanged(known, record))
            {
                counts.Unchanged++;
                continue;
            }
            if (batch.Count == 0)
            {
                batchStarts(row.LineNumberFrom);
            }
            batch.Add(record);
            if (exists)
            {
                changedInBatch++;
            }
            if (batch.Count >= batching.Rows || changedInBatch >= batching.Changed)
            {
                await WriteBatchAsync(kasseId, snapshot, batch, context, counts, ct).ConfigureAwait(false);
                batch.Clear();
                changedInBatch = 0;
            }
        }
        if (batch.Count > 0)
        {
            await WriteBatchAsync(kasseId, snapshot, batch, context, counts, ct).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>A batch of new and (probably) changed rows; only the latter are looked up in the database.</summary>
    private async Task WriteBatchAsync(Guid kasseId, ImportSnapshot snapshot, List<InsuredRecord> batch, AuditContext context, Counts counts, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var kvnrs = batch.Where(r => snapshot.TryGet(ImportKeys.Kvnr(r.Kvnr), out _)).Select(r => r.Kvnr).ToList();
        var existing = kvnrs.Count == 0 ? [] : await db.InsuredPersons.AsTracking()
            .Where(p => p.KasseId == kasseId && EF.Parameter(kvnrs).Contains(p.Kvnr))
            .ToDictionaryAsync(p => p.Kvnr, StringComparer.Ordinal, ct).ConfigureAwait(false);
        var currentCards = new Dictionary<Guid, HealthCard>();
        if (existing.Count > 0)
        {
            var ids = existing.Values.Select(p => p.Id).ToList();
            currentCards = await db.HealthCards.AsTracking()
                .Where(c => EF.Parameter(ids).Contains(c.PersonId) && c.EndedAt == null)
                .ToDictionaryAsync(c => c.PersonId, ct).ConfigureAwait(false);
        }

        var newPersons = new List<InsuredPerson>();
        var newCards = new List<HealthCard>();
        var changed = new List<(InsuredPerson, PersonChange)>();
        foreach (var record in batch)
        {
            if (existing.TryGetValue(record.Kvnr, out var person))
            {
                var change = InsuredUpsert.Apply(person, currentCards.GetValueOrDefault(person.Id), record, now);
                if (change.Any)
                {
                    changed.Add((person, change));
                    counts.Updated++;
                    if (change.NewCard is not null)
                    {
                        counts.CardsRecorded++;
                    }
                }
                else
                {
                    counts.Unchanged++;
                }
            }
            else
            {
                var created = InsuredUpsert.NewPerson(kasseId, record, now);
                newPersons.Add(created);
                if (InsuredUpsert.NewCard(created.Id, record, now) is { } card)
                {
                    newCards.Add(card);
                    counts.CardsRecorded++;
                }
                counts.Created++;
            }
        }

        // A core system's export comes in no useful order: KVNRs and card numbers are spread over the whole number
        // space. Inserted in key order, a batch walks each unique index from left to right instead of jumping
        // between its pages (ADR 0002, "Random keys").
        newPersons.Sort((a, b) => string.CompareOrdinal(a.Kvnr, b.Kvnr));
        newCards.Sort((a, b) => string.CompareOrdinal(a.CardNumber, b.CardNumber));
        if (newPersons.Count > 0 || changed.Count > 0)
        {
            if (db.IsSqlite && !_cacheRaised && newPersons.Count > ChangedPerBatch)
            {
                await SetSqliteCacheAsync(SqliteImportCacheKib, ct).ConfigureAwait(false);
                _cacheRaised = true;
            }
            db.ChangeTracker.DetectChanges();
            await using var transaction = await db.BeginWriteAsync(ct).ConfigureAwait(false);
            await InsuredBulkWriter.WriteAsync(db, newPersons, newCards, ct).ConfigureAwait(false);
            await InsuredUpsert.SaveExistingAsync(db, audit, kasseId, context, changed, now, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }
        db.ChangeTracker.Clear();
    }

    private async Task AuditSummaryAsync(Guid kasseId, AuditContext context, string path, ImportSummary s, Error? writeError, CancellationToken ct)
    {
        var details = string.Create(CultureInfo.InvariantCulture,
            $"{{\"file\":\"{JsonEscape(Path.GetFileName(path))}\",\"rows\":{s.Rows},\"invalid\":{s.Invalid},\"created\":{s.Created},\"updated\":{s.Updated},\"unchanged\":{s.Unchanged},\"cards_recorded\":{s.CardsRecorded},\"written\":{(s.Written ? "true" : "false")}}}");
        var outcome = writeError is not null ? AuditOutcome.Failure : s.Written ? AuditOutcome.Success : AuditOutcome.Refused;
        await using var transaction = await db.BeginWriteAsync(ct).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.InsuredImported, outcome,
            ReasonCode: writeError?.Code, Details: details), ct).ConfigureAwait(false);
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    private static string JsonEscape(string value) => System.Text.Json.JsonEncodedText.Encode(value).ToString();
}
