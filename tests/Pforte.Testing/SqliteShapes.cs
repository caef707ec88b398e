using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Pforte.Testing;

/// <summary>
/// What bulk writers must match: the type and text pattern of every column that SQLite holds for a row, so that rows
/// written with ADO.NET can be compared with rows EF Core wrote (upper-case hex → h, other letters → A / a; fractions
/// of a second have 0–7 digits in both writers and count as one pattern).
/// </summary>
public static partial class SqliteShapes
{
    public static async Task<string[]> ReadAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
#pragma warning disable CA2100 // test queries
        cmd.CommandText = sql;
#pragma warning restore CA2100
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var shapes = new List<string>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            shapes.Add(Fraction().Replace(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null"
                : reader.GetDataTypeName(i) + ":" + new string(reader.GetValue(i).ToString()!.Select(c => char.IsAsciiHexDigitUpper(c) ? 'h' : char.IsAsciiLetterUpper(c) ? 'A' : char.IsLetter(c) ? 'a' : c).ToArray()))), "$1.f"));
        }
        return [.. shapes];
    }

    [GeneratedRegex(@"(hh:hh:hh)(\.h{1,7})?")]
    private static partial Regex Fraction();
}
