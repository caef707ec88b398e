using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Pforte.Core.Persistence;

/// <summary>
/// One column of a bulk insert: its name, its PostgreSQL type, and its value in a row as EF Core would store it
/// (enums already converted to what their converter writes; Guid, DateOnly and DateTimeOffset as CLR values).
/// </summary>
internal sealed record BulkColumn<T>(string Name, NpgsqlDbType PgType, Func<T, object?> Value);

/// <summary>
/// Inserts many rows without the change tracker, in the caller's transaction: prepared ADO.NET commands on SQLite,
/// binary COPY on PostgreSQL. EF Core's per-entity cost is what made the import and the roll-out miss their budgets.
/// Writes exactly what EF Core writes (tests read the rows back through EF Core and compare the stored shapes):
/// on SQLite Guids as upper-case TEXT, dates as yyyy-MM-dd TEXT, instants as UTC DateTime TEXT (the converter in
/// <see cref="PforteDbContext"/>); on PostgreSQL the native types.
/// </summary>
internal static partial class BulkInsert
{
    public static async Task WriteAsync<T>(PforteDbContext db, string table, IReadOnlyList<BulkColumn<T>> columns, IReadOnlyList<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk inserts run inside the caller's write transaction.");
        var names = string.Join(", ", columns.Select(c => c.Name));
        if (db.IsSqlite)
        {
            await using var cmd = ((SqliteConnection)connection).CreateCommand();
            cmd.Transaction = (SqliteTransaction)transaction;
#pragma warning disable CA2100 // table and column names are constants of the callers, values are parameters
            cmd.CommandText = $"INSERT INTO {table} ({names}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
#pragma warning restore CA2100
            var parameters = columns.Select((_, i) => cmd.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null))).ToArray();
            cmd.Prepare();
            foreach (var row in rows)
            {
                for (var i = 0; i < parameters.Length; i++)
                {
                    parameters[i].Value = Sqlite(columns[i].Value(row));
                }
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return;
        }
        await using var writer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync($"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct).ConfigureAwait(false);
            foreach (var column in columns)
            {
                await WritePostgresAsync(writer, column.Value(row), column.PgType, ct).ConfigureAwait(false);
            }
        }
        await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>EF Core's SQLite provider stores Guids as upper-case text; Microsoft.Data.Sqlite alone would bind a BLOB.</summary>
    public static string SqliteGuid(Guid value) => value.ToString("D").ToUpperInvariant();

    /// <summary>The UTC DateTime text EF Core writes through the DateTimeOffset converter.</summary>
    public static string SqliteInstant(DateTimeOffset value) =>
        value.UtcDateTime.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture);

    public static object Sqlite(object? value) => value switch
    {
        null => DBNull.Value,
        Guid g => SqliteGuid(g),
        DateTimeOffset t => SqliteInstant(t),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => value,
    };

    private static Task WritePostgresAsync(NpgsqlBinaryImporter writer, object? value, NpgsqlDbType type, CancellationToken ct) => value switch
    {
        null => writer.WriteNullAsync(ct),
        Guid g => writer.WriteAsync(g, type, ct),
        DateTimeOffset t => writer.WriteAsync(t.UtcDateTime, type, ct),
        DateOnly d => writer.WriteAsync(d, type, ct),
        string s => writer.WriteAsync(s, type, ct),
        int i => writer.WriteAsync(i, type, ct),
        long l => writer.WriteAsync(l, type, ct),
        byte[] b => writer.WriteAsync(b, type, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.GetType(), "No bulk mapping for this type."),
    };
}
