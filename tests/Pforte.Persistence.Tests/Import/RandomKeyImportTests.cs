using System.Text;
using Microsoft.EntityFrameworkCore;
using Pforte.Benchmarks;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Insured.Import;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Import;

/// <summary>
/// The import benchmark's generator (bench/Pforte.Benchmarks/ImportFileGenerator.cs, issue 17) and the import of its
/// random-key files: KVNRs and card numbers spread over the whole number space, in no order, as a core system exports
/// them. The import sorts each batch by key before inserting; what it stores must not depend on that.
/// </summary>
public sealed class RandomKeyImportTests : IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var f in _files)
        {
            File.Delete(f);
        }
    }

    private static List<string[]> Rows(int count, int changeEvery = 0, ImportKeyOrder keys = ImportKeyOrder.Random, int seed = ImportFileGenerator.DefaultSeed)
    {
        using var writer = new StringWriter();
        ImportFileGenerator.Write(writer, count, changeEvery, keys, seed);
        return writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(';')).ToList();
    }

    private string FileOf(int count, int changeEvery = 0)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pforte-random-import-{Guid.NewGuid():N}.csv");
        ImportFileGenerator.Write(path, count, changeEvery);
        _files.Add(path);
        return path;
    }

    [Theory]
    [InlineData(ImportKeyOrder.Random)]
    [InlineData(ImportKeyOrder.Sequential)]
    public void Every_KVNR_and_card_number_is_valid_and_unique(ImportKeyOrder keys)
    {
        var rows = Rows(20_000, keys: keys);
        Assert.Equal(20_000, rows.Count);
        Assert.All(rows, r => Assert.True(Kvnr.Parse(r[0]).IsSuccess, r[0]));
        Assert.All(rows, r => Assert.True(CardNumber.Parse(r[13]).IsSuccess, r[13]));
        Assert.Equal(rows.Count, rows.Select(r => r[0]).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(rows.Count, rows.Select(r => r[13]).Distinct(StringComparer.Ordinal).Count());
        // A family member's main member is a member earlier in the file.
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            if (r[4] == "family")
            {
                Assert.Contains(r[5], members);
            }
            else
            {
                members.Add(r[0]);
            }
        }
    }

    [Fact]
    public void Random_keys_cover_the_number_space_in_no_order_and_repeat_for_the_same_seed()
    {
        var rows = Rows(20_000);
        var kvnrs = rows.Select(r => r[0]).ToList();
        Assert.Equal(26, kvnrs.Select(k => k[0]).Distinct().Count());
        Assert.NotEqual(kvnrs.Order(StringComparer.Ordinal), kvnrs);
        Assert.NotEqual(rows.Select(r => r[13]).Order(StringComparer.Ordinal), rows.Select(r => r[13]));
        // Serials over all ten digits, not a block at the start.
        Assert.Contains(rows, r => r[13][10] != '0');
        Assert.Equal(kvnrs, Rows(20_000).Select(r => r[0]));
        Assert.NotEqual(kvnrs, Rows(20_000, seed: 18).Select(r => r[0]));
    }

    [Fact]
    public void A_later_delivery_has_the_same_persons_in_the_same_order()
    {
        var first = Rows(2_000);
        var later = Rows(2_000, changeEvery: 10);
        Assert.Equal(first.Select(r => r[0]), later.Select(r => r[0]));
        Assert.Equal(200, first.Zip(later).Count(p => p.First[8] != p.Second[8]));
        Assert.Equal(100, first.Zip(later).Count(p => p.First[13] != p.Second[13]));
        Assert.All(later, r => Assert.True(CardNumber.Parse(r[13]).IsSuccess));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Random_keys_import_again_and_change_like_the_benchmark(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        // 3,000 rows in batches of 700: several sorted batches and a short last one; the default batch size once.
        var first = await ImportAsync(testDb, kasseId, FileOf(3_000), 700);
        Assert.Equal((3_000L, 3_000L, 0L, 0L, 3_000L), (first.Rows, first.Created, first.Updated, first.Unchanged, first.CardsRecorded));
        var again = await ImportAsync(testDb, kasseId, FileOf(3_000), null);
        Assert.Equal((0L, 0L, 3_000L), (again.Created, again.Updated, again.Unchanged));
        var changed = await ImportAsync(testDb, kasseId, FileOf(3_000, changeEvery: 10), 700);
        Assert.Equal((0L, 300L, 2_700L, 150L), (changed.Created, changed.Updated, changed.Unchanged, changed.CardsRecorded));

        // Stored as the file says, whatever order the rows were inserted in.
        var expected = Rows(3_000, changeEvery: 10).ToDictionary(r => r[0], StringComparer.Ordinal);
        await using var check = testDb.NewContext();
        var persons = await check.InsuredPersons.AsNoTracking().Include(p => p.Cards).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3_000, persons.Count);
        foreach (var p in persons)
        {
            var row = expected[p.Kvnr];
            Assert.Equal((row[1], row[5].Length == 0 ? null : row[5], row[8]), (p.FamilyName, p.MainMemberKvnr, p.Street));
            Assert.Equal(row[13], Assert.Single(p.Cards, c => c.EndedAt is null).CardNumber);
        }
        Assert.Equal(3_150, persons.Sum(p => p.Cards.Count));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_returned_letter_gives_way_for_the_persons_who_moved_and_only_for_them(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var kasseId = await KasseAsync(testDb);
        await ImportAsync(testDb, kasseId, FileOf(100), null);
        var rows = Rows(100);
        // Rows 10 and 20 move in the later delivery, rows 11 and 21 do not; all four had a letter come back.
        var kvnrs = new[] { rows[9][0], rows[19][0], rows[10][0], rows[20][0] };
        await using (var db = testDb.NewContext())
        {
            foreach (var person in await db.InsuredPersons.Where(p => kvnrs.Contains(p.Kvnr)).ToListAsync(TestContext.Current.CancellationToken))
            {
                db.AuthCodes.Add(new AuthCode { PersonId = person.Id, KasseId = kasseId, State = AuthCodeState.None, Reason = AuthCodeReasons.LetterReturned, StateSince = DateTimeOffset.UtcNow });
            }
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        var changed = await ImportAsync(testDb, kasseId, FileOf(100, changeEvery: 10), 3);
        Assert.Equal(10L, changed.Updated);
        await using var check = testDb.NewContext();
        var reasons = await check.AuthCodes.Join(check.InsuredPersons, a => a.PersonId, p => p.Id, (a, p) => new { p.Kvnr, a.Reason })
            .ToDictionaryAsync(x => x.Kvnr, x => x.Reason, TestContext.Current.CancellationToken);
        Assert.Equal([AuthCodeReasons.AddressChanged, AuthCodeReasons.AddressChanged, AuthCodeReasons.LetterReturned, AuthCodeReasons.LetterReturned],
            kvnrs.Select(k => reasons[k]));
    }

    private static async Task<Guid> KasseAsync(TestDb testDb)
    {
        await using var db = testDb.NewContext();
        return (await TestData.CreateKasseAsync(db)).Id;
    }

    private static async Task<ImportSummary> ImportAsync(TestDb testDb, Guid kasseId, string path, int? batchSize)
    {
        await using var db = testDb.NewContext();
        var clock = TimeProvider.System;
        var errors = new List<ImportRowError>();
        var result = await new ImportInsured(db, new AuditLog(db, clock), new InsuredValidator(clock), clock).ExecuteAsync(path, kasseId,
            new ImportOptions { BatchSize = batchSize, OnRowError = errors.Add }, AuditContext.System("test"), TestContext.Current.CancellationToken);
        Assert.Empty(errors);
        return result.Value;
    }
}
