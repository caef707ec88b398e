using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Pforte.Core.Persistence;

namespace Pforte.Core.Insured.Import;

/// <summary>
/// Inserts NEW persons and their first cards of an import batch without the change tracker: EF Core's per-entity
/// overhead made 1M rows miss the 60 s budget. Writes exactly what EF Core would write (checked by tests that read
/// the rows back through EF Core): on SQLite Guids as upper-case TEXT, dates as yyyy-MM-dd TEXT, instants as UTC
/// DateTime TEXT (the converter in <see cref="PforteDbContext"/>); on PostgreSQL binary COPY into the native types.
/// Runs in the caller's transaction.
/// </summary>
internal static class InsuredBulkWriter
{
    private const string PersonColumns = "id, kasse_id, kvnr, family_name, given_name, birth_date, insurance_kind, main_member_kvnr, insurance_start, insurance_end, street, house_number, postal_code, city, country, deceased_on, created_at, updated_at";
    private const string CardColumns = "id, person_id, card_number, issued_on, recorded_at, ended_at";

    public static Task WriteAsync(PforteDbContext db, IReadOnlyList<InsuredPerson> persons, IReadOnlyList<HealthCard> cards, CancellationToken ct)
    {
        if (persons.Count == 0 && cards.Count == 0)
        {
            return Task.CompletedTask;
        }
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The bulk writer runs inside the import batch's transaction.");
        return db.IsSqlite
            ? WriteSqliteAsync((SqliteConnection)connection, (SqliteTransaction)transaction, persons, cards, ct)
            : WritePostgresAsync((NpgsqlConnection)connection, persons, cards, ct);
    }

    private static async Task WriteSqliteAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<InsuredPerson> persons, IReadOnlyList<HealthCard> cards, CancellationToken ct)
    {
        await using (var cmd = Prepare(connection, transaction, "insured_persons", PersonColumns, out var ps))
        {
            foreach (var p in persons)
            {
                ps[0].Value = SqliteGuid(p.Id);
                ps[1].Value = SqliteGuid(p.KasseId);
                ps[2].Value = p.Kvnr;
                ps[3].Value = p.FamilyName;
                ps[4].Value = p.GivenName;
                ps[5].Value = SqliteDate(p.BirthDate);
                ps[6].Value = KindText(p.InsuranceKind);
                ps[7].Value = (object?)p.MainMemberKvnr ?? DBNull.Value;
                ps[8].Value = SqliteDate(p.InsuranceStart);
                ps[9].Value = SqliteDate(p.InsuranceEnd);
                ps[10].Value = p.Street;
                ps[11].Value = p.HouseNumber;
                ps[12].Value = p.PostalCode;
                ps[13].Value = p.City;
                ps[14].Value = p.Country;
                ps[15].Value = SqliteDate(p.DeceasedOn);
                ps[16].Value = SqliteInstant(p.CreatedAt);
                ps[17].Value = SqliteInstant(p.UpdatedAt);
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
        await using (var cmd = Prepare(connection, transaction, "health_cards", CardColumns, out var ps))
        {
            foreach (var c in cards)
            {
                ps[0].Value = SqliteGuid(c.Id);
                ps[1].Value = SqliteGuid(c.PersonId);
                ps[2].Value = c.CardNumber;
                ps[3].Value = SqliteDate(c.IssuedOn);
                ps[4].Value = SqliteInstant(c.RecordedAt);
                ps[5].Value = c.EndedAt is { } e ? SqliteInstant(e) : DBNull.Value;
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string table, string columns, out SqliteParameter[] parameters)
    {
        var names = columns.Split(", ");
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
#pragma warning disable CA2100 // table and column names are constants of this class, values are parameters
        cmd.CommandText = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", names.Select(n => "$" + n))})";
#pragma warning restore CA2100
        parameters = names.Select(n => cmd.Parameters.Add(new SqliteParameter("$" + n, null))).ToArray();
        cmd.Prepare();
        return cmd;
    }

    /// <summary>EF Core's SQLite provider stores Guids as upper-case text; Microsoft.Data.Sqlite alone would bind a BLOB.</summary>
    internal static string SqliteGuid(Guid value) => value.ToString("D").ToUpperInvariant();

    internal static object SqliteDate(DateOnly? value) =>
        value is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : DBNull.Value;

    /// <summary>The UTC DateTime text EF Core writes through the DateTimeOffset converter.</summary>
    internal static string SqliteInstant(DateTimeOffset value) =>
        value.UtcDateTime.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static string KindText(InsuranceKind kind) => kind == InsuranceKind.Family ? "family" : "member";

    private static async Task WritePostgresAsync(NpgsqlConnection connection, IReadOnlyList<InsuredPerson> persons, IReadOnlyList<HealthCard> cards, CancellationToken ct)
    {
        if (persons.Count > 0)
        {
            await using var writer = await connection.BeginBinaryImportAsync($"COPY insured_persons ({PersonColumns}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
            foreach (var p in persons)
            {
                await writer.StartRowAsync(ct).ConfigureAwait(false);
                await writer.WriteAsync(p.Id, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.KasseId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.Kvnr, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.FamilyName, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.GivenName, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.BirthDate, NpgsqlDbType.Date, ct).ConfigureAwait(false);
                await writer.WriteAsync(KindText(p.InsuranceKind), NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await WriteNullableAsync(writer, p.MainMemberKvnr, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.InsuranceStart, NpgsqlDbType.Date, ct).ConfigureAwait(false);
                await WriteDateAsync(writer, p.InsuranceEnd, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.Street, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.HouseNumber, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.PostalCode, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.City, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.Country, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await WriteDateAsync(writer, p.DeceasedOn, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.CreatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.UpdatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
            }
            await writer.CompleteAsync(ct).ConfigureAwait(false);
        }
        if (cards.Count > 0)
        {
            await using var writer = await connection.BeginBinaryImportAsync($"COPY health_cards ({CardColumns}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
            foreach (var c in cards)
            {
                await writer.StartRowAsync(ct).ConfigureAwait(false);
                await writer.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await writer.WriteAsync(c.PersonId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await writer.WriteAsync(c.CardNumber, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                await WriteDateAsync(writer, c.IssuedOn, ct).ConfigureAwait(false);
                await writer.WriteAsync(c.RecordedAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                if (c.EndedAt is { } ended)
                {
                    await writer.WriteAsync(ended.UtcDateTime, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                }
                else
                {
                    await writer.WriteNullAsync(ct).ConfigureAwait(false);
                }
            }
            await writer.CompleteAsync(ct).ConfigureAwait(false);
        }
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? writer.WriteNullAsync(ct) : writer.WriteAsync(value, type, ct);

    private static Task WriteDateAsync(NpgsqlBinaryImporter writer, DateOnly? value, CancellationToken ct) =>
        value is { } d ? writer.WriteAsync(d, NpgsqlDbType.Date, ct) : writer.WriteNullAsync(ct);
}
