using System.Text;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Insured.Import;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Import;

public sealed class ImportInsuredTests : IDisposable
{
    private const string Header = "kvnr;family_name;given_name;birth_date;insurance_kind;main_member_kvnr;insurance_start;insurance_end;street;house_number;postal_code;city;country;card_number;card_issued_on;deceased_on";
    private readonly List<string> _files = [];

    private static string Row(int n, string familyName = "Müßig", string? card = null, string street = "Lindenstraße", string kind = "member", string main = "", string end = "", string deceased = "") =>
        $"{TestData.Kvnr(n)};{familyName};Jürgen;1980-02-29;{kind};{main};2000-01-01;{end};{street};5a;60311;Frankfurt am Main;DE;{card ?? TestData.Card(n)};{(card == "" ? "" : "2024-03-01")};{deceased}";

    private string File(string content, bool bom = false)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pforte-import-{Guid.NewGuid():N}.csv");
        System.IO.File.WriteAllText(path, content, new UTF8Encoding(bom));
        _files.Add(path);
        return path;
    }

    private string Csv(params string[] rows) => File(Header + "\n" + string.Join("\n", rows) + "\n");

    public void Dispose()
    {
        foreach (var f in _files)
        {
            System.IO.File.Delete(f);
        }
    }

    private sealed record Run(Result<ImportSummary> Result, List<ImportRowError> Errors)
    {
        public ImportSummary Summary => Result.Value;
    }

    private static async Task<Run> ImportAsync(TestDb testDb, Guid kasseId, string path, bool skipInvalid = false, int batchSize = 5000)
    {
        await using var db = testDb.NewContext();
        var clock = TimeProvider.System;
        var errors = new List<ImportRowError>();
        var result = await new ImportInsured(db, new AuditLog(db, clock), new InsuredValidator(clock), clock).ExecuteAsync(path, kasseId,
            new ImportOptions { SkipInvalid = skipInvalid, BatchSize = batchSize, OnRowError = errors.Add }, AuditContext.System("test"),
            TestContext.Current.CancellationToken);
        return new Run(result, errors);
    }

    private static async Task<Guid> KasseAsync(TestDb testDb, string ik = TestData.Ik)
    {
        await using var db = testDb.NewContext();
        return (await TestData.CreateKasseAsync(db, ik)).Id;
    }

    private static async Task<List<InsuredPerson>> PersonsAsync(TestDb testDb)
    {
        await using var db = testDb.NewContext();
        return await db.InsuredPersons.AsNoTracking().Include(p => p.Cards).OrderBy(p => p.Kvnr).ToListAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Happy_path_creates_persons_and_cards_readable_through_EF(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        // Batch size 2 forces several batches and a partial last one.
        var run = await ImportAsync(testDb, kasseId, Csv(Row(1), Row(2, kind: "family", main: TestData.Kvnr(1)), Row(3, end: "2020-12-31", deceased: "2021-01-02")), batchSize: 2);
        Assert.Empty(run.Errors);
        Assert.Equal((3L, 3L, 0L, 0L, 3L), (run.Summary.Rows, run.Summary.Created, run.Summary.Updated, run.Summary.Unchanged, run.Summary.CardsRecorded));

        var persons = await PersonsAsync(testDb);
        Assert.Equal(3, persons.Count);
        var first = persons.Single(p => p.Kvnr == TestData.Kvnr(1));
        Assert.Equal(("Müßig", "Jürgen", new DateOnly(1980, 2, 29), "Lindenstraße", "DE"), (first.FamilyName, first.GivenName, first.BirthDate, first.Street, first.Country));
        Assert.Equal(kasseId, first.KasseId);
        var card = Assert.Single(first.Cards);
        Assert.Equal((TestData.Card(1), (DateOnly?)new DateOnly(2024, 3, 1), (DateTimeOffset?)null), (card.CardNumber, card.IssuedOn, card.EndedAt));
        Assert.True(DateTimeOffset.UtcNow - card.RecordedAt < TimeSpan.FromMinutes(5));
        var family = persons.Single(p => p.Kvnr == TestData.Kvnr(2));
        Assert.Equal((InsuranceKind.Family, TestData.Kvnr(1)), (family.InsuranceKind, family.MainMemberKvnr));
        var ended = persons.Single(p => p.Kvnr == TestData.Kvnr(3));
        Assert.Equal((new DateOnly(2020, 12, 31), new DateOnly(2021, 1, 2)), (ended.InsuranceEnd!.Value, ended.DeceasedOn!.Value));

        // EF Core can still query by the bulk-written values (Guid text format, dates, instants).
        await using var db = testDb.NewContext();
        var ct = TestContext.Current.CancellationToken;
        Assert.True(await db.InsuredPersons.AnyAsync(p => p.Id == first.Id && p.KasseId == kasseId && p.BirthDate == new DateOnly(1980, 2, 29), ct));
        var limit = DateTimeOffset.UtcNow.AddMinutes(1);
        Assert.True(await db.HealthCards.AnyAsync(c => c.PersonId == first.Id && c.EndedAt == null && c.RecordedAt < limit, ct));
        var audit = await db.AuditEntries.Where(a => a.Action == AuditAction.InsuredImported).ToListAsync(ct);
        var summary = Assert.Single(audit);
        Assert.Contains("\"created\":3", summary.Details);
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.SubjectPersonId != null, ct));
    }

    [Fact]
    public async Task Bulk_written_sqlite_rows_look_exactly_like_EF_written_rows()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var kasseId = await KasseAsync(testDb);
        await ImportAsync(testDb, kasseId, Csv(Row(1)));
        await using (var db = testDb.NewContext())
        {
            var person = new InsuredPerson
            {
                Id = Guid.CreateVersion7(), KasseId = kasseId, Kvnr = TestData.Kvnr(2), FamilyName = "A", GivenName = "B", BirthDate = new DateOnly(1980, 2, 29),
                InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(2000, 1, 1), Street = "S", HouseNumber = "1", PostalCode = "60311", City = "F",
                Country = "DE", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.InsuredPersons.Add(person);
            db.HealthCards.Add(new HealthCard { Id = Guid.CreateVersion7(), PersonId = person.Id, CardNumber = TestData.Card(2), IssuedOn = new DateOnly(2024, 3, 1), RecordedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        Task<string[]> Shape(string sql) => SqliteShapes.ReadAsync(testDb.ConnectionString, sql, TestContext.Current.CancellationToken);
        var persons = await Shape("SELECT id, kasse_id, birth_date, insurance_kind, insurance_start, created_at, typeof(created_at) FROM insured_persons ORDER BY kvnr");
        Assert.Equal(persons[0], persons[1]);
        Assert.StartsWith("TEXT:hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh|", persons[0], StringComparison.Ordinal);
        var cards = await Shape("SELECT id, person_id, issued_on, recorded_at, typeof(recorded_at) FROM health_cards ORDER BY card_number");
        Assert.Equal(cards[0], cards[1]);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Importing_the_same_file_twice_changes_nothing(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        var file = Csv(Row(1), Row(2), Row(3, card: ""));
        await ImportAsync(testDb, kasseId, file);
        var before = await PersonsAsync(testDb);
        var second = await ImportAsync(testDb, kasseId, file);
        Assert.Equal((3L, 0L, 0L, 3L, 0L), (second.Summary.Rows, second.Summary.Created, second.Summary.Updated, second.Summary.Unchanged, second.Summary.CardsRecorded));
        Assert.Equal(0, second.Summary.Changed);
        var after = await PersonsAsync(testDb);
        Assert.Equal(before.Select(p => (p.Id, p.UpdatedAt, p.Cards.Count)), after.Select(p => (p.Id, p.UpdatedAt, p.Cards.Count)));
        await using var db = testDb.NewContext();
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.SubjectPersonId != null, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_bad_row_leaves_no_partial_data_and_existing_data_untouched(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        await ImportAsync(testDb, kasseId, Csv(Row(1)));
        var before = await PersonsAsync(testDb);
        // Many good rows before the bad one, over several batches: still nothing may be written.
        var rows = Enumerable.Range(2, 20).Select(n => Row(n)).Append(Row(1, familyName: "Neu", street: "Neue Straße")).Append(Row(30) + ";extra").ToArray();
        var run = await ImportAsync(testDb, kasseId, Csv(rows), batchSize: 3);
        Assert.False(run.Summary.Written);
        Assert.Equal(1, run.Summary.Invalid);
        var error = Assert.Single(run.Errors);
        Assert.Equal((23L, "", ErrorCodes.ImportColumnCount), (error.Line, error.Column, error.Error.Code));
        var after = await PersonsAsync(testDb);
        Assert.Equal(before.Select(p => (p.Id, p.FamilyName, p.Street, p.UpdatedAt)), after.Select(p => (p.Id, p.FamilyName, p.Street, p.UpdatedAt)));
        await using var db = testDb.NewContext();
        var last = await db.AuditEntries.OrderByDescending(a => a.Id).FirstAsync(TestContext.Current.CancellationToken);
        Assert.Equal((AuditAction.InsuredImported, AuditOutcome.Refused), (last.Action, last.Outcome));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Skip_invalid_writes_the_good_rows_and_reports_the_bad(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        var run = await ImportAsync(testDb, kasseId, Csv(Row(1), Row(2).Replace("1980-02-29", "1980-02-30", StringComparison.Ordinal), Row(3)), skipInvalid: true);
        Assert.True(run.Summary.Written);
        Assert.Equal((3L, 1L, 2L), (run.Summary.Rows, run.Summary.Invalid, run.Summary.Created));
        var error = Assert.Single(run.Errors);
        Assert.Equal((3L, InsuredColumns.BirthDate, ErrorCodes.FieldDate), (error.Line, error.Column, error.Error.Code));
        Assert.Equal([TestData.Kvnr(1), TestData.Kvnr(3)], (await PersonsAsync(testDb)).Select(p => p.Kvnr).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("kvnr;family_name")]
    [InlineData("KVNR;family_name;given_name;birth_date;insurance_kind;main_member_kvnr;insurance_start;insurance_end;street;house_number;postal_code;city;country;card_number;card_issued_on;deceased_on")]
    [InlineData("family_name;kvnr;given_name;birth_date;insurance_kind;main_member_kvnr;insurance_start;insurance_end;street;house_number;postal_code;city;country;card_number;card_issued_on;deceased_on")]
    [InlineData("kvnr,family_name,given_name,birth_date,insurance_kind,main_member_kvnr,insurance_start,insurance_end,street,house_number,postal_code,city,country,card_number,card_issued_on,deceased_on")]
    public async Task A_wrong_header_is_refused_up_front(string header)
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var kasseId = await KasseAsync(testDb);
        var run = await ImportAsync(testDb, kasseId, File(header + "\n" + Row(1) + "\n"));
        Assert.False(run.Result.IsSuccess);
        Assert.Equal(ErrorCodes.ImportHeader, run.Result.Error!.Code);
        Assert.Empty(await PersonsAsync(testDb));
    }

    [Fact]
    public async Task An_empty_file_has_no_header()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var kasseId = await KasseAsync(testDb);
        var run = await ImportAsync(testDb, kasseId, File(""));
        Assert.Equal(ErrorCodes.ImportNoHeader, run.Result.Error!.Code);
    }

    [Fact]
    public async Task Invalid_utf8_is_refused()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var kasseId = await KasseAsync(testDb);
        var path = Csv(Row(1));
        var bytes = System.IO.File.ReadAllBytes(path).Concat(new byte[] { 0xC3, 0x28, (byte)'\n' }).ToArray();
        System.IO.File.WriteAllBytes(path, bytes);
        var run = await ImportAsync(testDb, kasseId, path);
        Assert.Equal(ErrorCodes.ImportMalformed, run.Result.Error!.Code);
        Assert.Empty(await PersonsAsync(testDb));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Bom_crlf_quotes_and_missing_trailing_newline_are_accepted(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        var quoted = Row(2, familyName: "\"Meier; genannt \"\"Schulze\"\"\"");
        var run = await ImportAsync(testDb, kasseId, File(Header + "\r\n" + Row(1) + "\r\n" + quoted, bom: true));
        Assert.Empty(run.Errors);
        Assert.Equal(2, run.Summary.Created);
        var persons = await PersonsAsync(testDb);
        Assert.Equal("Meier; genannt \"Schulze\"", persons.Single(p => p.Kvnr == TestData.Kvnr(2)).FamilyName);
        Assert.Equal("Müßig", persons.Single(p => p.Kvnr == TestData.Kvnr(1)).FamilyName);
    }

    [Fact]
    public async Task Blank_lines_are_skipped_and_line_numbers_stay_those_of_the_file()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var kasseId = await KasseAsync(testDb);
        var run = await ImportAsync(testDb, kasseId, File(Header + "\n" + Row(1) + "\n\n" + Row(2).Replace("60311", "6031", StringComparison.Ordinal) + "\n\n\n"), skipInvalid: true);
        Assert.Equal((2L, 1L, 1L), (run.Summary.Rows, run.Summary.Created, run.Summary.Invalid));
        var error = Assert.Single(run.Errors);
        Assert.Equal((4L, InsuredColumns.PostalCode), (error.Line, error.Column));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_new_card_ends_the_old_one_and_changes_are_audited(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        await ImportAsync(testDb, kasseId, Csv(Row(1), Row(2)));
        var before = (await PersonsAsync(testDb)).Single(p => p.Kvnr == TestData.Kvnr(1));
        var run = await ImportAsync(testDb, kasseId, Csv(Row(1, card: TestData.Card(101), street: "Neue Straße", familyName: "Neu", end: "2030-01-01"), Row(2)));
        Assert.Equal((1L, 1L, 1L), (run.Summary.Updated, run.Summary.Unchanged, run.Summary.CardsRecorded));
        var person = (await PersonsAsync(testDb)).Single(p => p.Kvnr == TestData.Kvnr(1));
        Assert.Equal(("Neu", "Neue Straße"), (person.FamilyName, person.Street));
        Assert.True(person.UpdatedAt > before.UpdatedAt);
        Assert.Equal(2, person.Cards.Count);
        Assert.NotNull(person.Cards.Single(c => c.CardNumber == TestData.Card(1)).EndedAt);
        Assert.Null(person.Cards.Single(c => c.CardNumber == TestData.Card(101)).EndedAt);

        await using var db = testDb.NewContext();
        var entries = await db.AuditEntries.Where(a => a.SubjectPersonId == person.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([AuditAction.CardRecorded, AuditAction.AddressChanged, AuditAction.InsuranceEnded, AuditAction.InsuredUpdated],
            entries.OrderBy(e => e.Seq).Select(e => e.Action));
        var updated = entries.Single(e => e.Action == AuditAction.InsuredUpdated);
        Assert.Equal("{\"fields\":[\"family_name\"]}", updated.Details);
        Assert.DoesNotContain("Neu", string.Concat(entries.Select(e => e.Details)), StringComparison.Ordinal);

        // Batches and the summary commit separately: each of the Kasse's chains must still be one unbroken sequence.
        var all = await db.AuditEntries.Where(a => a.KasseId == kasseId).ToListAsync(TestContext.Current.CancellationToken);
        foreach (var group in all.GroupBy(a => a.Chain))
        {
            var chain = group.OrderBy(a => a.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, chain.Count).Select(i => (long)i), chain.Select(a => a.Seq));
            for (var i = 1; i < chain.Count; i++)
            {
                Assert.Equal(chain[i - 1].Hash, chain[i].PrevHash);
                Assert.Equal(AuditHasher.Compute(chain[i]), chain[i].Hash);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_delivery_with_many_changes_writes_each_card_letter_and_entry_exactly_once(string provider)
    {
        // Several batches of changed persons (batch size 40): every 3rd moves, every 5th gets a new card, every 50th
        // ends its insurance. The bulk writes of the changed path must give exactly what the rules say, in order.
        const int persons = 300;
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        await ImportAsync(testDb, kasseId, Csv([.. Enumerable.Range(1, persons).Select(n => Row(n))]), batchSize: 40);
        var moved = Enumerable.Range(1, persons).Where(n => n % 3 == 0).ToHashSet();
        var recarded = Enumerable.Range(1, persons).Where(n => n % 5 == 0).ToHashSet();
        var ended = Enumerable.Range(1, persons).Where(n => n % 50 == 0).ToHashSet();
        var run = await ImportAsync(testDb, kasseId, Csv([.. Enumerable.Range(1, persons).Select(n => Row(n,
            street: moved.Contains(n) ? "Neue Straße" : "Lindenstraße", card: recarded.Contains(n) ? TestData.Card(100_000 + n) : null,
            end: ended.Contains(n) ? "2026-12-31" : ""))]), batchSize: 40);
        var changed = moved.Union(recarded).Union(ended).Count();
        Assert.Equal((0L, (long)changed, (long)(persons - changed), (long)recarded.Count), (run.Summary.Created, run.Summary.Updated, run.Summary.Unchanged, run.Summary.CardsRecorded));

        await using var db = testDb.NewContext();
        var ct = TestContext.Current.CancellationToken;
        var letters = await db.Letters.Where(l => l.KasseId == kasseId && l.Kind == Pforte.Core.Letters.LetterKinds.AddressChanged).ToListAsync(ct);
        Assert.Equal(2 * moved.Count, letters.Count);
        Assert.All(letters.GroupBy(l => l.PersonId), g => Assert.Equal(["Lindenstraße", "Neue Straße"], g.Select(l => l.Street).Order(StringComparer.Ordinal)));
        Assert.Equal(persons + recarded.Count, await db.HealthCards.CountAsync(ct));
        Assert.Equal(persons, await db.HealthCards.CountAsync(c => c.EndedAt == null, ct));
        var actions = await db.AuditEntries.Where(a => a.KasseId == kasseId).GroupBy(a => a.Action).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Assert.Equal(moved.Count, actions[AuditAction.AddressChanged]);
        Assert.Equal(recarded.Count, actions[AuditAction.CardRecorded]);
        Assert.Equal(ended.Count, actions[AuditAction.InsuranceEnded]);
        var reports = (await new VerifyAuditChain(db).ExecuteAsync(null, ct)).Value;
        Assert.All(reports, r => Assert.True(r.IsIntact, r.FirstBreak?.ToString()));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_duplicate_kvnr_in_the_file_is_an_error(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        var run = await ImportAsync(testDb, kasseId, Csv(Row(1), Row(2), Row(1, card: TestData.Card(9))));
        var error = Assert.Single(run.Errors);
        Assert.Equal((4L, InsuredColumns.Kvnr, ErrorCodes.ImportDuplicateKvnr), (error.Line, error.Column, error.Error.Code));
        Assert.Contains("Zeile 2", error.Error.Message, StringComparison.Ordinal);
        Assert.Empty(await PersonsAsync(testDb));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_card_of_another_person_is_an_error(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        var otherKasse = await KasseAsync(testDb, TestData.OtherIk);
        await ImportAsync(testDb, kasseId, Csv(Row(1)));
        await ImportAsync(testDb, otherKasse, Csv(Row(50)));
        // Row 2: card of person 1 in the DB; row 3: card of a person of the other Kasse; rows 4/5: same card twice in the file.
        var run = await ImportAsync(testDb, kasseId, Csv(Row(2, card: TestData.Card(1)), Row(3, card: TestData.Card(50)), Row(4, card: TestData.Card(77)), Row(5, card: TestData.Card(77))));
        Assert.Equal([(2L, ErrorCodes.CardTakenByOther), (3L, ErrorCodes.CardTakenByOther), (5L, ErrorCodes.CardTakenByOther)],
            run.Errors.OrderBy(e => e.Line).Select(e => (e.Line, e.Error.Code)));
        Assert.All(run.Errors, e => Assert.Equal(InsuredColumns.CardNumber, e.Column));
        Assert.Single(await PersonsAsync(testDb), p => p.KasseId == kasseId);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_card_taken_between_the_passes_rolls_back_that_batch_and_says_so(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        await ImportAsync(testDb, kasseId, Csv(Row(1)));
        await using var db = testDb.NewContext();
        var clock = TimeProvider.System;
        var taken = false;
        var options = new ImportOptions
        {
            BatchSize = 2,
            ProgressEvery = 1,
            // Another writer records row 5's card for person 1 after validation, before the second batch is written.
            OnProgress = (phase, rows) =>
            {
                if (phase == "write" && rows == 3 && !taken)
                {
                    taken = true;
                    using var other = testDb.NewContext();
                    var person = other.InsuredPersons.Single(p => p.Kvnr == TestData.Kvnr(1));
                    var current = other.HealthCards.Single(c => c.PersonId == person.Id && c.EndedAt == null);
                    current.EndedAt = DateTimeOffset.UtcNow;
                    other.SaveChanges();
                    other.HealthCards.Add(new HealthCard { Id = Guid.CreateVersion7(), PersonId = person.Id, CardNumber = TestData.Card(5), RecordedAt = DateTimeOffset.UtcNow });
                    other.SaveChanges();
                }
            },
        };
        var result = await new ImportInsured(db, new AuditLog(db, clock), new InsuredValidator(clock), clock).ExecuteAsync(
            Csv(Row(2), Row(3), Row(4), Row(5)), kasseId, options, AuditContext.System("test"), TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCodes.ImportWriteRefused, result.Error?.Code);
        Assert.Contains("Zeile 4", result.Error!.Message, StringComparison.Ordinal);
        // The first batch (rows 2 and 3 of the file) stays, the refused one is rolled back completely.
        Assert.Equal([TestData.Kvnr(1), TestData.Kvnr(2), TestData.Kvnr(3)], (await PersonsAsync(testDb)).Select(p => p.Kvnr).Order(StringComparer.Ordinal));
        await using var check = testDb.NewContext();
        var last = await check.AuditEntries.OrderByDescending(a => a.Id).FirstAsync(TestContext.Current.CancellationToken);
        Assert.Equal((AuditAction.InsuredImported, AuditOutcome.Failure, ErrorCodes.ImportWriteRefused), (last.Action, last.Outcome, last.ReasonCode));
    }

    [Fact]
    public async Task A_missing_file_is_unreadable()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        var kasseId = await KasseAsync(testDb);
        var run = await ImportAsync(testDb, kasseId, "/nonexistent/insured.csv");
        Assert.Equal(ErrorCodes.ImportUnreadable, run.Result.Error!.Code);
    }
}
