using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox;
using Pforte.Persistence.Tests.History;
using Pforte.Testing;
using static Pforte.Persistence.Tests.Mailbox.MailboxHarness;

namespace Pforte.Persistence.Tests.Mailbox;

/// <summary>Subjects, bodies and notes never reach the database in the clear: the SQLite file and a pg_dump are searched for them.</summary>
public sealed class EncryptionAtRestTests
{
    private const string PgDump = "/usr/lib/postgresql/15/bin/pg_dump";

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_unique_text_is_found_nowhere_in_the_stored_database(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var actor = await LoginAsync(h, person);
        var marker = "Geheimnis" + Guid.NewGuid().ToString("N")[..12];
        var threadId = (await PersonAsync(h, m => m.StartAsync(actor, RequestKinds.GeneralInformation, "Betreff " + marker, "Inhalt " + marker, [], Ct))).Value;
        await StaffAsync(h, m => m.AddNoteAsync(h.KasseId, "agent-1", threadId.ToString(), "Notiz " + marker, Staff, Ct));
        await StaffAsync(h, m => m.ReplyAsync(h.KasseId, "agent-1", threadId.ToString(), "Antwort " + marker, null, [], Staff, Ct));
        // The content is there and readable through the use case …
        Assert.Contains(marker, (await PersonAsync(h, m => m.ReadAsync(actor, threadId.ToString(), Ct))).Value.Subject, StringComparison.Ordinal);

        byte[] stored;
        if (h.Db.SqliteFile is { } file)
        {
            SqliteConnection.ClearAllPools();
            await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
            {
                await connection.OpenAsync(Ct);
                await using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                await checkpoint.ExecuteNonQueryAsync(Ct);
            }
            stored = [.. await File.ReadAllBytesAsync(file, Ct), .. File.Exists(file + "-wal") ? await File.ReadAllBytesAsync(file + "-wal", Ct) : []];
        }
        else
        {
            var csb = new NpgsqlConnectionStringBuilder(TestDb.PostgresServerConnectionString);
            var start = new ProcessStartInfo(PgDump, ["-h", csb.Host!, "-p", csb.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", csb.Username!,
                "--data-only", h.Db.PgDatabaseName!]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var dump = Process.Start(start)!;
            using var buffer = new MemoryStream();
            await dump.StandardOutput.BaseStream.CopyToAsync(buffer, Ct);
            await dump.WaitForExitAsync(Ct);
            Assert.Equal(0, dump.ExitCode);
            stored = buffer.ToArray();
            // The dump holds the mailbox rows (as hex bytea): it is not empty by accident.
            Assert.Contains("mailbox_messages", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        }
        Assert.True(stored.Length > 10_000);
        // … but not in the stored bytes, neither as UTF-8 nor as UTF-16, nor as the hex text pg_dump writes bytea in.
        foreach (var needle in new[] { Encoding.UTF8.GetBytes(marker), Encoding.Unicode.GetBytes(marker), Encoding.BigEndianUnicode.GetBytes(marker),
                     Encoding.ASCII.GetBytes(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(marker))) })
        {
            Assert.Equal(-1, stored.AsSpan().IndexOf(needle));
        }
    }
}
