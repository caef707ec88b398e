using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Benchmarks;

/// <summary>
/// The auditor's search on 1,000,000 audit entries (bench/audit/run.sh): the plan each filter gets and its time, on the
/// database the Pforte__… variables name (migrated, empty). 30 days, 200 staff, 100,000 persons with random KVNRs; every
/// fifth entry a failed verification, one in 10,000 a spraying alarm. Prints plans and times; fails (exit 1) when a
/// page takes a second or more. Figures: docs/benchmarks.md, "Audit search (issue 14)".
/// Usage: Pforte.Benchmarks.dll audit-search
/// </summary>
internal static class AuditSearchProbe
{
    private const int Entries = 1_000_000;

    private static CancellationToken Ct => CancellationToken.None;

    private static string[] _kvnrs = [];

    public static async Task<int> RunAsync()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPforteCore(configuration);
        await using var root = services.BuildServiceProvider();
        await using var scope = root.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var provider = db.IsSqlite ? "sqlite" : "postgres";
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        if (!await db.Kassen.AnyAsync(Ct))
        {
            await scope.ServiceProvider.GetRequiredService<Pforte.Core.Demo.SeedDemoData>().ExecuteAsync(10, AuditContext.System("audit-bench"));
        }
        var kasse = await db.Kassen.Select(k => k.Id).FirstAsync(Ct);
        var random = new Random(26);
        var drawn = new HashSet<string>();
        while (drawn.Count < 100_000)
        {
            var key = random.NextInt64(26L * 100_000_000L);
            drawn.Add(Kvnr.Create((char)('A' + key / 100_000_000L), (int)(key % 100_000_000L)).Value);
        }
        _kvnrs = [.. drawn];
        var fillWatch = Stopwatch.StartNew();
        if (await db.AuditEntries.CountAsync(Ct) < Entries)
        {
            await FillAsync(db, kasse);
            Console.WriteLine($"{provider}: {Entries:N0} entries filled and indexed in {fillWatch.Elapsed.TotalSeconds:0.0} s");
        }
        else
        {
            Console.WriteLine($"{provider}: filled by an earlier run, searched as it is");
        }
        var slow = 0;

        var inputs = new (string Name, AuditSearchInput Input)[]
        {
            ("none", new()),
            ("kvnr", new(Kvnr: _kvnrs[4711])),
            ("action (rare)", new(Action: "2014")),
            ("action (common)", new(Action: "2003")),
            ("actor", new(Actor: "staff:s17")),
            ("outcome", new(Outcome: "Refused")),
            ("time (one hour)", new(From: "2026-11-20T10:00", To: "2026-11-20T11:00")),
            ("kvnr + time", new(Kvnr: _kvnrs[4711], From: "2026-11-01")),
            ("actor, later page", new(Actor: "staff:s17", Cursor: new AuditSearchCursor(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), 999_999).ToString())),
        };
        foreach (var (name, input) in inputs)
        {
            var query = SearchAuditTrail.Query(db, kasse, SearchAuditTrail.Parse(input).Value).Take(SearchAuditTrail.PageSize + 1);
            await query.ToListAsync(Ct); // warm
            var times = new List<double>();
            var rows = 0;
            for (var run = 0; run < 20; run++)
            {
                var watch = Stopwatch.StartNew();
                rows = (await query.ToListAsync(Ct)).Count;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            var plan = await PlanAsync(db, query.ToQueryString());
            Console.WriteLine($"{provider} {name}: {rows} rows, median {times[10]:0.0} ms, max {times[^1]:0.0} ms (20 runs)\n{plan}");
            slow += times[10] >= 1000 ? 1 : 0;
        }
        var series = await new ReadAuditAlarms(db, new AuditLog(db, TimeProvider.System), Microsoft.Extensions.Options.Options.Create(new Core.AuthCodes.ThrottleOptions()), TimeProvider.System)
            .FailuresPerMinuteAsync(kasse, new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), Ct);
        var chartWatch = Stopwatch.StartNew();
        series = await new ReadAuditAlarms(db, new AuditLog(db, TimeProvider.System), Microsoft.Extensions.Options.Options.Create(new Core.AuthCodes.ThrottleOptions()), TimeProvider.System)
            .FailuresPerMinuteAsync(kasse, new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), Ct);
        Console.WriteLine($"{provider} chart: {series.Total} failures in 24 h, {chartWatch.Elapsed.TotalMilliseconds:0.0} ms");
        return slow == 0 ? 0 : 1;
    }

    /// <summary>
    /// A million rows in one statement: 30 days, 200 staff, 100,000 persons; every fifth a failed verification, one
    /// in 10,000 a spraying alarm. Not a valid chain (the search does not read hashes).
    /// </summary>
    private static async Task FillAsync(PforteDbContext db, Guid kasse)
    {
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        if (db.IsSqlite)
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            // KVNRs as the test data builds them are computed in C#: 100,000 distinct ones through a temp table.
            await db.Database.ExecuteSqlRawAsync("CREATE TEMP TABLE k(n INTEGER PRIMARY KEY, kvnr TEXT)", Ct);
            var values = new StringBuilder();
            for (var n = 0; n < 100_000; n += 1000)
            {
                values.Clear();
                values.Append("INSERT INTO k VALUES ");
                values.AppendJoin(',', Enumerable.Range(n, 1000).Select(i => $"({i},'{_kvnrs[i]}')"));
                await db.Database.ExecuteSqlRawAsync(values.ToString(), Ct);
            }
            var fill = $"""
                WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {Entries})
                INSERT INTO audit_entries (kasse_id, chain, seq, occurred_at, actor_kind, actor_id, subject_kvnr, action, outcome, prev_hash, hash)
                SELECT '{kasse.ToString().ToUpperInvariant()}', 1 + i % 15, 1000 + i,
                  strftime('%Y-%m-%d %H:%M:%f', '2026-11-01', '+' || (i * 2.592) || ' seconds'),
                  'Staff', 'staff:s' || (i % 200), (SELECT kvnr FROM k WHERE n = i % 100000),
                  CASE WHEN i % 10000 = 0 THEN 2014 WHEN i % 5 = 0 THEN 2003 ELSE 1002 END,
                  CASE WHEN i % 5 = 0 THEN 'Failure' WHEN i % 97 = 0 THEN 'Refused' ELSE 'Success' END, X'00', X'00'
                FROM s
                """;
            await db.Database.ExecuteSqlRawAsync(fill, Ct);
            await tx.CommitAsync(Ct);
            await db.Database.ExecuteSqlRawAsync("ANALYZE", Ct);
        }
        else
        {
            var kvnrs = _kvnrs;
            // A million rows into six indexes row by row takes long; dropping the secondary ones and building them again is faster.
            var indexes = await db.Database.SqlQueryRaw<string>(
                "SELECT indexdef AS \"Value\" FROM pg_indexes WHERE tablename = 'audit_entries' AND indexname <> 'PK_audit_entries'").ToListAsync(Ct);
            await db.Database.ExecuteSqlRawAsync(string.Join(';', indexes.Select(d => "DROP INDEX " + d.Split(' ')[Array.IndexOf(d.Split(' '), "INDEX") + 1])), Ct);
            var fill = $"""
                INSERT INTO audit_entries (kasse_id, chain, seq, occurred_at, actor_kind, actor_id, subject_kvnr, action, outcome, prev_hash, hash)
                SELECT '{kasse}', 1 + i % 15, 1000 + i, timestamptz '{start:O}' + i * interval '2.592 seconds',
                  'Staff', 'staff:s' || (i % 200), ({"{0}"}::text[])[1 + i % 100000],
                  CASE WHEN i % 10000 = 0 THEN 2014 WHEN i % 5 = 0 THEN 2003 ELSE 1002 END,
                  CASE WHEN i % 5 = 0 THEN 'Failure' WHEN i % 97 = 0 THEN 'Refused' ELSE 'Success' END, '\x00', '\x00'
                FROM generate_series(1, {Entries}) AS i
                """;
            await db.Database.ExecuteSqlRawAsync(fill, [kvnrs], Ct);
            foreach (var definition in indexes)
            {
                await db.Database.ExecuteSqlRawAsync(definition, Ct);
            }
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE audit_entries", Ct);
        }
    }

    private static async Task<string> PlanAsync(PforteDbContext db, string sql)
    {
        var lines = sql.Split('\n');
        string statement;
        if (db.IsSqlite)
        {
            var values = lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)).Select(l => l[11..].TrimEnd('\r').Split(' ', 2)).ToList();
            statement = string.Join('\n', lines.Where(l => !l.StartsWith(".param set ", StringComparison.Ordinal)));
            foreach (var v in values.OrderByDescending(v => v[0].Length))
            {
                statement = statement.Replace(v[0], v[1], StringComparison.Ordinal);
            }
            statement = "EXPLAIN QUERY PLAN " + statement;
        }
        else
        {
            // Npgsql's ToQueryString declares parameters as "-- @name='value'" lines.
            var values = lines.Where(l => l.StartsWith("-- @", StringComparison.Ordinal))
                .Select(l => l[3..].TrimEnd('\r').Split('=', 2)).ToList();
            statement = string.Join('\n', lines.Where(l => !l.StartsWith("-- ", StringComparison.Ordinal)));
            foreach (var v in values.OrderByDescending(v => v[0].Length))
            {
                var value = v[1].Split(" (", 2)[0]; // "(DbType = …)", "(Nullable = true)", "(Size = …)"
                statement = statement.Replace(v[0], value, StringComparison.Ordinal);
            }
            statement = "EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) " + statement;
        }
        await using var command = await PlainSql.CreateAsync(db, statement, Ct);
        await using var reader = await command.Command.ExecuteReaderAsync(Ct);
        var plan = new StringBuilder();
        while (await reader.ReadAsync(Ct))
        {
            plan.AppendLine(reader.GetValue(db.IsSqlite ? 3 : 0).ToString());
        }
        return plan.ToString();
    }
}
