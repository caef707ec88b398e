using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>
/// Every entry a search selects as a CSV file (RFC 4180: comma, double quotes, CRLF; UTF-8 with a byte order mark so
/// that Excel reads the umlauts), German column headers, newest first. Streamed in pages by the same keyset as the
/// search, so an export of a million entries holds one page in memory. The export is recorded (10202) before the
/// first byte is written: an export that is cut off is still on record. Audit entries never hold a secret (their
/// details carry ids and kinds only), so the file holds none either; the hashes are the chain's, not a code's.
/// A cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is written
/// with a leading apostrophe (docs/decisions/0026).
/// </summary>
public sealed class ExportAuditTrail(PforteDbContext db, AuditLog audit)
{
    public const int PageSize = 1000;

    public static readonly IReadOnlyList<string> Headers =
    [
        "Eintrag", "Kette", "Position", "Zeitpunkt (UTC)", "Akteursart", "Akteur", "KVNR", "Kanal", "Ereignisnummer", "Ereignis", "Ergebnis",
        "Grund", "Quell-IP", "Anrufernummer", "Anruf-ID", "Korrelations-ID", "Details", "Vorheriger Hash", "Hash",
    ];

    /// <summary>Checks the filter (nothing is written on an error), records the export, then writes the file; returns the number of entries.</summary>
    public async Task<Result<long>> ExecuteAsync(Guid kasseId, AuditSearchInput input, AuditContext context, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!SearchAuditTrail.Parse(input).TryGetValue(out var filter, out var error))
        {
            return error;
        }
        await SearchAuditTrail.RecordAsync(db, audit, kasseId, context, AuditAction.AuditExportedByStaff, filter, null, cancellationToken).ConfigureAwait(false);

        var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await using (writer.ConfigureAwait(false))
        {
            await WriteRowAsync(writer, Headers).ConfigureAwait(false);
            long count = 0;
            var page = filter;
            while (true)
            {
                var rows = await SearchAuditTrail.Query(db, kasseId, page).Take(PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var e in rows.Select(ReadAuditEntries.View))
                {
                    await WriteRowAsync(writer,
                    [
                        Number(e.Id), Number(e.Chain), Number(e.Seq), e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                        e.ActorKind, e.ActorId, e.SubjectKvnr, e.Channel, Number(e.EventType), e.EventName, e.Outcome, e.ReasonCode, e.SourceIp,
                        e.SourceCallerId, e.SourceCallId, e.CorrelationId, e.Details, e.PrevHash, e.Hash,
                    ]).ConfigureAwait(false);
                }
                count += rows.Count;
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (rows.Count < PageSize)
                {
                    return count;
                }
                page = page with { After = new AuditSearchCursor(rows[^1].OccurredAt, rows[^1].Id) };
            }
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static Task WriteRowAsync(StreamWriter writer, IReadOnlyList<string?> cells)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }
            line.Append(Cell(cells[i]));
        }
        return writer.WriteLineAsync(line.ToString());
    }

    /// <summary>One field: quoted when it holds a comma, quote or line break; defused when a spreadsheet would run it.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
