using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common.Keys;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

/// <summary>The clear code never reaches logs, audit records, API responses or the database (security.md).</summary>
public sealed class SecretTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Clear_codes_appear_nowhere_but_in_the_print_hand_over(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        // A full life: issue, print, verify, fail, change, lock, re-issue, staff re-issue.
        var (a, codeA) = await h.PersonWithCodeAsync();
        var (b, codeB) = await h.PersonWithCodeAsync();
        await h.VerifyAsync(MachineAuthHarness.Body(a, codeA));
        var newA = codeA == "6917" ? "8052" : "6917";
        await h.ChangeAsync(a, codeA, newA);
        h.ClearCodes.Add(newA);
        for (var i = 0; i < 3; i++)
        {
            await h.VerifyAsync(MachineAuthHarness.Body(b, codeB == "7405" ? "8052" : "7405"));
        }
        await h.HandOverAsync();
        await h.Staff.PostAsync($"/api/v1/insured/{a.Kvnr}/code/reissue", new StringContent("{\"reason\":\"Test\"}", Encoding.UTF8, "application/json"));
        await h.HandOverAsync();
        await h.CodeStatusAsync(a);
        await h.CodeStatusAsync(b);
        Assert.True(h.ClearCodes.Count >= 4);

        foreach (var code in h.ClearCodes)
        {
            var pattern = Standalone(code);
            Assert.DoesNotMatch(pattern, string.Join('\n', h.Factory.Logs.Entries.Select(e => e.Message)));
            Assert.DoesNotMatch(pattern, string.Join('\n', h.Responses));
        }
        var database = provider == "sqlite" ? SqliteFiles(h.Factory.Database) : await PgDumpAsync(h.Factory.Database);
        foreach (var code in h.ClearCodes)
        {
            Assert.DoesNotMatch(Standalone(code), database);
        }
    }

    [Fact]
    public async Task A_copy_of_the_database_alone_cannot_tell_which_code_is_right()
    {
        await using var h = await MachineAuthHarness.CreateAsync("sqlite");
        var (person, code) = await h.PersonWithCodeAsync();
        var row = await h.WithDbAsync(db => db.AuthCodes.SingleAsync(x => x.PersonId == person.Id));

        // What a thief with the database but without the key ring can compute for each of the 10,000 codes:
        var guesses = 0;
        for (var n = 0; n < 10_000; n++)
        {
            var candidate = Encoding.ASCII.GetBytes(n.ToString("D4"));
            var input = person.Id.ToByteArray(bigEndian: true).Concat(candidate).ToArray();
            foreach (var attempt in new[]
                     {
                         SHA256.HashData(input),
                         HMACSHA256.HashData(new byte[32], input),
                         HMACSHA256.HashData(person.Id.ToByteArray(bigEndian: true), candidate),
                         HMACSHA256.HashData(Encoding.ASCII.GetBytes(person.Kvnr), input),
                     })
            {
                guesses += attempt.AsSpan().SequenceEqual(row.CodeHash) ? 1 : 0;
            }
        }
        Assert.Equal(0, guesses);

        // With the key ring, exactly one code matches: the right one.
        var hasher = new CodeHasher(new FileKeyRing(h.Factory.Database.KeyRingPath, TimeProvider.System));
        var matching = Enumerable.Range(0, 10_000).Select(n => n.ToString("D4")).Where(c => hasher.Matches(person.Id, c, row.CodeHash, row.KeyVersion)).ToList();
        Assert.Equal([code], matching);
    }

    /// <summary>The code as a value of its own: not inside a longer number, a GUID or a timestamp.</summary>
    private static Regex Standalone(string code) => new($"(?<![0-9A-Za-z:.\\-]){code}(?![0-9A-Za-z:.\\-])");

    private static string SqliteFiles(TestDb db)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var text = new StringBuilder();
        foreach (var suffix in new[] { "", "-wal" })
        {
            var path = db.SqliteFile + suffix;
            if (File.Exists(path))
            {
                text.Append(Encoding.Latin1.GetString(File.ReadAllBytes(path)));
            }
        }
        Assert.True(text.Length > 10_000);
        return text.ToString();
    }

    private static async Task<string> PgDumpAsync(TestDb db)
    {
        var csb = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        var pgDump = Directory.GetFiles("/usr/lib/postgresql", "pg_dump", SearchOption.AllDirectories).OrderDescending().First();
        var psi = new ProcessStartInfo(pgDump, ["-h", csb.Host!, "-p", csb.Port.ToString(), "-U", csb.Username ?? "postgres", "--data-only", csb.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("audit_entries", output, StringComparison.Ordinal);
        return output;
    }
}
