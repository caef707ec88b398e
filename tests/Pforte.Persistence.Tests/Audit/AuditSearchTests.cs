using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Audit;

/// <summary>
/// The auditor's search, CSV export and alarm overview of the staff workspace (docs/decisions/0026), on SQLite and
/// PostgreSQL, against a record written by the real audit log.
/// </summary>
public sealed class AuditSearchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly AuditContext Auditor = new(ActorKind.Staff, "staff:pruefer-1", "workspace", "127.0.0.1", CorrelationId: "req-1");

    /// <summary>
    /// A Kasse and 130 entries over 44 minutes, three to a minute (ties in time are the rule, not the exception):
    /// two staff members, four persons, every fifth entry a failed verification.
    /// </summary>
    private static async Task<(Guid Kasse, FakeTimeProvider Clock)> SeedAsync(PforteDbContext db)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var kasse = await TestData.CreateKasseAsync(db, clock: clock);
        var audit = new AuditLog(db, clock);
        await using (var tx = await db.Database.BeginTransactionAsync(Ct))
        {
            for (var i = 0; i < 130; i++)
            {
                if (i % 3 == 0)
                {
                    clock.Advance(TimeSpan.FromMinutes(1));
                }
                var failed = i % 5 == 0;
                await audit.AppendAsync(kasse.Id, new AuditContext(ActorKind.Staff, i % 2 == 0 ? "staff:anna" : "staff:bernd", "phone", SourceCallerId: "+4969123456"),
                    new AuditEvent(failed ? AuditAction.CodeVerificationFailed : AuditAction.InsuredUpdated, failed ? AuditOutcome.Failure : AuditOutcome.Success,
                        SubjectKvnr: TestData.Kvnr(i % 4), ReasonCode: failed ? "wrong-code" : null,
                        Details: i == 7 ? "{\"fields\":[\"street\",\"city\"],\"note\":\"a \\\"quoted\\\" value\"}" : $"{{\"n\":{i}}}"), Ct);
            }
            await db.SaveChangesAsync(Ct);
            await tx.CommitAsync(Ct);
        }
        return (kasse.Id, clock);
    }

    private static List<AuditEntry> All(PforteDbContext db, Guid kasse) =>
        [.. db.AuditEntries.AsNoTracking().Where(e => e.KasseId == kasse).AsEnumerable().OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)];

    /// <summary>Every page of a search, following the cursor to the end.</summary>
    private static async Task<List<AuditEntryView>> AllPagesAsync(PforteDbContext db, FakeTimeProvider clock, Guid kasse, AuditSearchInput input)
    {
        var search = new SearchAuditTrail(db, new AuditLog(db, clock));
        var found = new List<AuditEntryView>();
        string? cursor = null;
        do
        {
            var page = (await search.ExecuteAsync(kasse, input with { Cursor = cursor }, Auditor, Ct)).Value;
            Assert.True(page.Entries.Count <= SearchAuditTrail.PageSize);
            found.AddRange(page.Entries);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return found;
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Paging_lists_every_entry_once_newest_first_and_each_filter_selects_exactly_its_entries(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var (kasse, clock) = await SeedAsync(db);
        var before = All(db, kasse);
        var from = new DateTimeOffset(2026, 12, 1, 9, 10, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);
        var cases = new (AuditSearchInput Input, Func<AuditEntry, bool> Expected)[]
        {
            (new AuditSearchInput(), _ => true),
            (new AuditSearchInput(Kvnr: TestData.Kvnr(1)), e => e.SubjectKvnr == TestData.Kvnr(1)),
            (new AuditSearchInput(Action: "2003"), e => e.Action == AuditAction.CodeVerificationFailed),
            (new AuditSearchInput(Action: "InsuredUpdated"), e => e.Action == AuditAction.InsuredUpdated),
            (new AuditSearchInput(Actor: "staff:bernd"), e => e.ActorId == "staff:bernd"),
            (new AuditSearchInput(Outcome: "Failure"), e => e.Outcome == AuditOutcome.Failure),
            // German time in the form: 10:10 and 10:30 in Berlin (winter) are 9:10 and 9:30 UTC.
            (new AuditSearchInput(From: "2026-12-01T10:10", To: "01.12.2026 10:30"), e => e.OccurredAt >= from && e.OccurredAt < to),
            (new AuditSearchInput(Kvnr: TestData.Kvnr(2), Actor: "staff:anna", Outcome: "Failure", From: "2026-12-01"),
                e => e.SubjectKvnr == TestData.Kvnr(2) && e.ActorId == "staff:anna" && e.Outcome == AuditOutcome.Failure),
        };
        foreach (var (input, expected) in cases)
        {
            var found = await AllPagesAsync(db, clock, kasse, input);
            Assert.Equal(before.Where(expected).Select(e => e.Id), found.Select(e => e.Id));
        }
        Assert.True(before.Count > 2 * SearchAuditTrail.PageSize, "the seed spans several pages");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_search_is_recorded_with_the_person_as_subject_and_without_anything_but_filters(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var (kasse, clock) = await SeedAsync(db);
        var page = (await new SearchAuditTrail(db, new AuditLog(db, clock)).ExecuteAsync(kasse,
            new AuditSearchInput(Kvnr: TestData.Kvnr(3), Action: "CodeVerificationFailed"), Auditor, Ct)).Value;

        var record = await db.AuditEntries.AsNoTracking().Where(e => e.KasseId == kasse).OrderByDescending(e => e.Id).FirstAsync(Ct);
        Assert.Equal((AuditAction.AuditSearchedByStaff, ActorKind.Staff, "staff:pruefer-1", TestData.Kvnr(3), "workspace"),
            (record.Action, record.ActorKind, record.ActorId, record.SubjectKvnr, record.Channel));
        Assert.Contains("\"event_type\":2003", record.Details, StringComparison.Ordinal);
        Assert.Contains($"\"entries\":{page.Entries.Count}", record.Details, StringComparison.Ordinal);
        var chain = Assert.Single((await new VerifyAuditChain(db).ExecuteAsync(cancellationToken: Ct)).Value);
        Assert.True(chain.IsIntact, chain.FirstBreak?.ToString());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Bad_input_of_any_shape_is_refused_with_its_code_and_records_nothing(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var (kasse, clock) = await SeedAsync(db);
        var count = await db.AuditEntries.CountAsync(Ct);
        var search = new SearchAuditTrail(db, new AuditLog(db, clock));
        var cases = new (AuditSearchInput Input, string Code)[]
        {
            (new(From: "gestern"), ErrorCodes.WsAuditTimeInvalid),
            (new(To: "2026-13-01T10:00"), ErrorCodes.WsAuditTimeInvalid),
            (new(From: "2026-12-01T10:00Z"), ErrorCodes.WsAuditTimeInvalid),
            (new(From: "2026-12-02", To: "2026-12-01"), ErrorCodes.WsAuditRangeEmpty),
            (new(From: "2026-12-01T10:00", To: "2026-12-01T10:00"), ErrorCodes.WsAuditRangeEmpty),
            (new(Action: "99999"), ErrorCodes.WsAuditActionUnknown),
            (new(Action: "codeverificationfailed"), ErrorCodes.WsAuditActionUnknown),
            (new(Action: "-1"), ErrorCodes.WsAuditActionUnknown),
            (new(Outcome: "2"), ErrorCodes.WsAuditOutcomeUnknown),
            (new(Outcome: "Erfolg"), ErrorCodes.WsAuditOutcomeUnknown),
            (new(Actor: new string('x', 101)), ErrorCodes.WsAuditActorInvalid),
            (new(Actor: "staff:\u0000"), ErrorCodes.WsAuditActorInvalid),
            (new(Cursor: "abc"), ErrorCodes.WsAuditCursorInvalid),
            (new(Cursor: "1-0"), ErrorCodes.WsAuditCursorInvalid),
            (new(Cursor: "99999999999999999999-1"), ErrorCodes.WsAuditCursorInvalid),
            (new(Kvnr: "A12345678"), ErrorCodes.KvnrLength),
        };
        foreach (var (input, code) in cases)
        {
            var result = await search.ExecuteAsync(kasse, input, Auditor, Ct);
            Assert.False(result.IsSuccess, input.ToString());
            Assert.Equal(code, result.Error.Code);
            Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
        }
        Assert.Equal(count, await db.AuditEntries.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Another_Kasse_never_sees_the_entries(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var (_, clock) = await SeedAsync(db);
        var other = await TestData.CreateKasseAsync(db, TestData.OtherIk, clock);
        var found = await AllPagesAsync(db, clock, other.Id, new AuditSearchInput(Actor: "staff:anna"));
        Assert.Empty(found);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_csv_export_reads_back_as_the_search_with_German_headers_and_is_recorded(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var (kasse, clock) = await SeedAsync(db);
        var export = new ExportAuditTrail(db, new AuditLog(db, clock));

        using var all = new MemoryStream();
        var count = (await export.ExecuteAsync(kasse, new AuditSearchInput(Kvnr: TestData.Kvnr(3)), Auditor, all, Ct)).Value;
        var bytes = all.ToArray();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = Csv.Parse(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        Assert.Equal(ExportAuditTrail.Headers, rows[0]);
        // The export is on record before its first byte, so the file starts with its own record.
        var kvnr3 = All(db, kasse).Where(e => e.SubjectKvnr == TestData.Kvnr(3)).ToList();
        Assert.Equal(AuditAction.AuditExportedByStaff, kvnr3[0].Action);
        Assert.Equal(kvnr3.Count, count);
        Assert.Equal(kvnr3.Select(e => e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Skip(1).Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal(ExportAuditTrail.Headers.Count, r.Count));
        // The caller id a spreadsheet would take for a formula is defused; the hash is the chain's hash.
        Assert.All(rows.Skip(2), r => Assert.Equal("'+4969123456", r[13]));
        var first = kvnr3[1];
        Assert.Equal(Convert.ToHexStringLower(first.Hash), rows[2][18]);
        Assert.Equal(first.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), rows[2][3]);
        Assert.Equal(("10202", "AuditExportedByStaff", "Info", "staff:pruefer-1"), (rows[1][8], rows[1][9], rows[1][10], rows[1][5]));

        // Quotes and commas in details survive the round trip; an export of more than a page is complete.
        using var whole = new MemoryStream();
        var wholeCount = (await export.ExecuteAsync(kasse, new AuditSearchInput(), Auditor, whole, Ct)).Value;
        var wholeRows = Csv.Parse(Encoding.UTF8.GetString(whole.ToArray()[3..]));
        Assert.Equal(wholeCount, wholeRows.Count - 1);
        Assert.Contains(wholeRows, r => r[16] == "{\"fields\":[\"street\",\"city\"],\"note\":\"a \\\"quoted\\\" value\"}");

        var records = await db.AuditEntries.AsNoTracking().Where(e => e.KasseId == kasse && e.Action == AuditAction.AuditExportedByStaff).ToListAsync(Ct);
        Assert.Equal(2, records.Count);
        Assert.Contains(records, r => r.SubjectKvnr == TestData.Kvnr(3));
    }

    [Fact]
    public async Task An_export_with_a_bad_filter_writes_nothing()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await using var db = testDb.NewContext();
        var (kasse, clock) = await SeedAsync(db);
        using var output = new MemoryStream();
        var result = await new ExportAuditTrail(db, new AuditLog(db, clock)).ExecuteAsync(kasse, new AuditSearchInput(Outcome: "nope"), Auditor, output, Ct);
        Assert.Equal(ErrorCodes.WsAuditOutcomeUnknown, result.Error?.Code);
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("plain", "plain")]
    [InlineData(null, "")]
    public void Csv_cells_are_quoted_per_RFC_4180_and_formulas_defused(string? value, string expected) =>
        Assert.Equal(expected, ExportAuditTrail.Cell(value));

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_alarm_overview_lists_spraying_alarms_and_counts_failures_per_minute(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var (kasse, clock) = await SeedAsync(db);
        var audit = new AuditLog(db, clock);
        await using (var tx = await db.Database.BeginTransactionAsync(Ct))
        {
            await audit.AppendAsync(kasse, AuditContext.System("client-spray-monitor"), new AuditEvent(AuditAction.ClientSprayAlarm, AuditOutcome.Info,
                ReasonCode: "client-spray", Details: "{\"client\":\"ivr\",\"failures\":140,\"accounts\":120}"), Ct);
            await db.SaveChangesAsync(Ct);
            await tx.CommitAsync(Ct);
        }
        clock.Advance(TimeSpan.FromSeconds(30));
        var options = Options.Create(new ThrottleOptions { AlarmFailuresPerMinute = 5 });
        var overview = (await new ReadAuditAlarms(db, audit, options, clock).ExecuteAsync(kasse, Auditor, Ct)).Value;

        var alarm = Assert.Single(overview.Alarms);
        Assert.Equal(nameof(AuditAction.ClientSprayAlarm), alarm.EventName);
        var series = overview.Failures;
        Assert.Equal(ReadAuditAlarms.Minutes, series.PerMinute.Count);
        Assert.Equal(5, series.AlarmThreshold);
        var failures = All(db, kasse).Where(e => e.Action == AuditAction.CodeVerificationFailed).ToList();
        Assert.Equal(failures.Count, series.Total);
        foreach (var minute in failures.GroupBy(e => e.OccurredAt.UtcTicks / TimeSpan.TicksPerMinute))
        {
            var index = (int)(minute.Key - series.Start.UtcTicks / TimeSpan.TicksPerMinute);
            Assert.Equal(minute.Count(), series.PerMinute[index]);
        }
        Assert.Equal(clock.GetUtcNow().UtcTicks / TimeSpan.TicksPerMinute, series.Start.UtcTicks / TimeSpan.TicksPerMinute + ReadAuditAlarms.Minutes - 1);
        var record = await db.AuditEntries.AsNoTracking().Where(e => e.KasseId == kasse).OrderByDescending(e => e.Id).FirstAsync(Ct);
        Assert.Equal(AuditAction.AuditAlarmsViewed, record.Action);
    }

    [Fact]
    public void The_chart_is_well_formed_accessible_SVG_with_a_bar_per_busy_minute_and_the_alarm_band()
    {
        var perMinute = new int[ReadAuditAlarms.Minutes];
        perMinute[10] = 3;
        perMinute[700] = 250;
        perMinute[1439] = 40;
        var series = new FailureSeries(new DateTimeOffset(2026, 12, 4, 20, 1, 0, TimeSpan.Zero), perMinute, 200);
        var svg = FailureChart.Svg(series, new FailureChartTexts("Fehlversuche je Minute", "Höchstwert 250 <über> der Schwelle", "Alarmschwelle 200"));

        var doc = System.Xml.Linq.XDocument.Parse(svg);
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        var root = doc.Root!;
        Assert.Equal(ns + "svg", root.Name);
        Assert.Equal("img", (string?)root.Attribute("role"));
        Assert.Equal("fehlversuche-title fehlversuche-desc", (string?)root.Attribute("aria-labelledby"));
        Assert.Equal("Fehlversuche je Minute", root.Element(ns + "title")!.Value);
        Assert.Equal("Höchstwert 250 <über> der Schwelle", root.Element(ns + "desc")!.Value);
        Assert.DoesNotContain(root.DescendantsAndSelf(), e => e.Attribute("style") is not null || e.Name.LocalName == "script");

        var bars = root.Descendants(ns + "g").Single(g => (string?)g.Attribute("class") == "pf-chart-bars").Elements(ns + "rect").ToList();
        Assert.Equal(3, bars.Count);
        Assert.Equal(["#a3000b"], bars.Where(b => b.Attribute("fill") is not null).Select(b => (string)b.Attribute("fill")!));
        // Bars stand on the axis; the tallest reaches above the threshold line, the others stay below it.
        double Num(System.Xml.Linq.XElement e, string a) => double.Parse((string)e.Attribute(a)!, System.Globalization.CultureInfo.InvariantCulture);
        var threshold = Num(root.Descendants(ns + "line").Single(l => (string?)l.Attribute("class") == "pf-chart-threshold"), "y1");
        var band = root.Descendants(ns + "rect").Single(r => (string?)r.Attribute("class") == "pf-chart-band");
        Assert.Equal(threshold, Num(band, "y") + Num(band, "height"), 3);
        Assert.True(Num(bars[1], "y") < threshold);
        Assert.True(Num(bars[0], "y") > threshold && Num(bars[2], "y") > threshold);
        Assert.All(bars, b => Assert.Equal(256, Num(b, "y") + Num(b, "height"), 3));
        // Every third hour of German time is on the axis: 21:00 UTC on 4 December is 22:00 in Berlin.
        var labels = root.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("00:00", labels);
        Assert.Contains("Alarmschwelle 200", labels);

        var hours = FailureChart.Hours(series);
        Assert.Equal(series.Total, hours.Sum(h => h.Failures));
        Assert.Single(hours, h => h.AboveThreshold);
        Assert.Equal(250, hours.Max(h => h.PeakPerMinute));
    }

    /// <summary>Each filter is answered from its index, not by reading the table (SQLite's plan needs no statistics).</summary>
    [Fact]
    public async Task Every_filter_of_the_search_uses_an_index_on_SQLite()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await using var db = testDb.NewContext();
        var kasse = Guid.CreateVersion7();
        foreach (var input in new AuditSearchInput[]
                 {
                     new(Kvnr: TestData.Kvnr(1)), new(Action: "2003"), new(Actor: "staff:anna"), new(From: "2026-12-01"),
                     new(Kvnr: TestData.Kvnr(1), Cursor: "638686656000000000-5"),
                 })
        {
            var sql = SearchAuditTrail.Query(db, kasse, SearchAuditTrail.Parse(input).Value).Take(51).ToQueryString();
            var plan = await QueryPlanAsync(db, sql);
            Assert.DoesNotContain("SCAN audit_entries", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("USE TEMP B-TREE", plan, StringComparison.Ordinal);
        }
    }

    private static async Task<string> QueryPlanAsync(PforteDbContext db, string sql)
    {
        // ToQueryString declares the parameters with .param set; EXPLAIN wants the statement alone, with the values inlined.
        var lines = sql.Split('\n');
        var values = lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)).Select(l => l[11..].Split(' ', 2)).ToList();
        var statement = string.Join('\n', lines.Where(l => !l.StartsWith(".param set ", StringComparison.Ordinal)));
        foreach (var v in values.OrderByDescending(v => v[0].Length))
        {
            statement = statement.Replace(v[0], v[1].TrimEnd('\r'), StringComparison.Ordinal);
        }
        await using var sqlCommand = await PlainSql.CreateAsync(db, "EXPLAIN QUERY PLAN " + statement, Ct);
        await using var reader = await sqlCommand.Command.ExecuteReaderAsync(Ct);
        var plan = new StringBuilder();
        while (await reader.ReadAsync(Ct))
        {
            plan.AppendLine(reader.GetString(3));
        }
        return plan.ToString();
    }
}

/// <summary>An RFC 4180 reader for the tests: quoted fields with doubled quotes and line breaks, CRLF between records.</summary>
internal static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                Assert.NotEqual('\n', c); // a bare line feed outside quotes is not RFC 4180
                field.Append(c);
            }
        }
        Assert.Empty(row);
        Assert.Equal(0, field.Length);
        return rows;
    }
}
