using Microsoft.EntityFrameworkCore;
using Pforte.Core.Insured;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Insured;

public sealed class RegistryTests
{
    private static InsuredPerson Person(Guid kasseId, string kvnr) => new()
    {
        Id = Guid.CreateVersion7(),
        KasseId = kasseId,
        Kvnr = kvnr,
        FamilyName = "Müßig",
        GivenName = "Jürgen",
        BirthDate = new DateOnly(1980, 2, 29),
        InsuranceKind = InsuranceKind.Member,
        InsuranceStart = new DateOnly(2000, 1, 1),
        Street = "Lindenstraße",
        HouseNumber = "5a",
        PostalCode = "60311",
        City = "Frankfurt am Main",
        Country = "DE",
    };

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_round_trips_with_umlauts_and_dates(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        Guid id;
        await using (var db = testDb.NewContext())
        {
            var kasse = await TestData.CreateKasseAsync(db);
            var person = Person(kasse.Id, TestData.Kvnr(1));
            id = person.Id;
            db.InsuredPersons.Add(person);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        await using (var db = testDb.NewContext())
        {
            var loaded = await db.InsuredPersons.SingleAsync(p => p.Id == id, TestContext.Current.CancellationToken);
            Assert.Equal("Müßig", loaded.FamilyName);
            Assert.Equal(new DateOnly(1980, 2, 29), loaded.BirthDate);
            Assert.Equal(InsuranceKind.Member, loaded.InsuranceKind);
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_same_kvnr_twice_in_one_kasse_is_refused_by_the_database(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var kasse = await TestData.CreateKasseAsync(db);
        db.InsuredPersons.Add(Person(kasse.Id, TestData.Kvnr(7)));
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        db.InsuredPersons.Add(Person(kasse.Id, TestData.Kvnr(7)));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_same_kvnr_may_exist_in_two_kassen(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var a = await TestData.CreateKasseAsync(db);
        var b = await TestData.CreateKasseAsync(db, TestData.OtherIk);
        db.InsuredPersons.Add(Person(a.Id, TestData.Kvnr(7)));
        db.InsuredPersons.Add(Person(b.Id, TestData.Kvnr(7)));
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, await db.InsuredPersons.CountAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_cannot_have_two_current_cards(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var kasse = await TestData.CreateKasseAsync(db);
        var person = Person(kasse.Id, TestData.Kvnr(3));
        person.Cards.Add(new HealthCard { Id = Guid.CreateVersion7(), CardNumber = TestData.Card(1), RecordedAt = DateTimeOffset.UtcNow });
        db.InsuredPersons.Add(person);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);

        db.HealthCards.Add(new HealthCard { Id = Guid.CreateVersion7(), PersonId = person.Id, CardNumber = TestData.Card(2), RecordedAt = DateTimeOffset.UtcNow });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
    }
}
