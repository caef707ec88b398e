using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// The print hand-over makes pending codes usable: "letter pending" → "active" for each code whose letter is the one
/// handed over (a code re-issued meanwhile has another pending letter and stays as it is). In bulk, in the caller's
/// transaction: one prepared statement per code on SQLite (the write lock is held, nothing changes in between),
/// one UPDATE … FROM unnest(…) RETURNING on PostgreSQL (row locks held to commit).
/// </summary>
internal static class CodeActivation
{
    /// <returns>The letters whose code became active.</returns>
    public static async Task<HashSet<Guid>> ActivateAsync(PforteDbContext db, IReadOnlyList<(Guid PersonId, Guid LetterId)> codeLetters, DateTimeOffset now, CancellationToken ct)
    {
        var activated = new HashSet<Guid>();
        if (codeLetters.Count == 0)
        {
            return activated;
        }
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Codes are activated inside the hand-over's transaction.");
        var pending = AuthCodeState.Pending.ToString();
        var active = AuthCodeState.Active.ToString();
        if (db.IsSqlite)
        {
            await using var cmd = ((SqliteConnection)connection).CreateCommand();
            cmd.Transaction = (SqliteTransaction)transaction;
            cmd.CommandText = "UPDATE auth_codes SET state = $active, state_since = $now, pending_letter_id = NULL WHERE person_id = $person AND state = $pending AND pending_letter_id = $letter";
            cmd.Parameters.AddWithValue("$active", active);
            cmd.Parameters.AddWithValue("$pending", pending);
            cmd.Parameters.AddWithValue("$now", BulkInsert.SqliteInstant(now));
            var person = cmd.Parameters.Add(new SqliteParameter("$person", null));
            var letter = cmd.Parameters.Add(new SqliteParameter("$letter", null));
            cmd.Prepare();
            foreach (var (personId, letterId) in codeLetters)
            {
                person.Value = BulkInsert.SqliteGuid(personId);
                letter.Value = BulkInsert.SqliteGuid(letterId);
                if (await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    activated.Add(letterId);
                }
            }
            return activated;
        }
        await using (var cmd = ((NpgsqlConnection)connection).CreateCommand())
        {
            cmd.Transaction = (NpgsqlTransaction)transaction;
            cmd.CommandText = """
                UPDATE auth_codes AS a SET state = @active, state_since = @now, pending_letter_id = NULL
                FROM unnest(@persons, @letters) AS u(person_id, letter_id)
                WHERE a.person_id = u.person_id AND a.pending_letter_id = u.letter_id AND a.state = @pending
                RETURNING u.letter_id
                """;
            cmd.Parameters.AddWithValue("active", active);
            cmd.Parameters.AddWithValue("pending", pending);
            cmd.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, now.UtcDateTime);
            cmd.Parameters.AddWithValue("persons", NpgsqlDbType.Array | NpgsqlDbType.Uuid, codeLetters.Select(c => c.PersonId).ToArray());
            cmd.Parameters.AddWithValue("letters", NpgsqlDbType.Array | NpgsqlDbType.Uuid, codeLetters.Select(c => c.LetterId).ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                activated.Add(reader.GetGuid(0));
            }
        }
        return activated;
    }
}
