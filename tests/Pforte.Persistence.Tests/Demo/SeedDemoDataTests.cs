using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Demo;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Demo;

public sealed class SeedDemoDataTests
{
    /// <summary>10:00 UTC on 15 March 2026: 11:00 in Berlin, same calendar day.</summary>
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static SeedDemoData UseCase(PforteDbContext db, TimeProvider clock)
    {
        var audit = new AuditLog(db, clock);
        var keys = new Pforte.Core.Common.Keys.FileKeyRing(Path.Combine(Path.GetTempPath(), "pforte-tests", "keys-" + Guid.NewGuid().ToString("N"), "keyring.json"), clock);
        var sealer = new Pforte.Core.Accounts.SecretSealer(keys);
        var accounts = new Pforte.Core.Accounts.SeedDemoAccounts(db, new Microsoft.AspNetCore.Identity.PasswordHasher<Pforte.Core.Accounts.PortalAccount>(), sealer, audit, clock);
        var staffHasher = new Microsoft.AspNetCore.Identity.PasswordHasher<Pforte.Core.Staff.StaffAccount>();
        var staff = new Pforte.Core.Staff.SeedDemoStaff(db, new Pforte.Core.Staff.StaffAccounts(db, staffHasher, audit, clock), staffHasher, sealer, clock);
        return new SeedDemoData(db, new CreateKasse(db, audit, clock), new CreateApiClient(db, audit, clock), accounts, staff, audit, clock);
    }

    private static int AgeOn(DateOnly birth, DateOnly day) =>
        day.Year - birth.Year - (birth > day.AddYears(-(day.Year - birth.Year)) ? 1 : 0);

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Seeding_creates_a_demo_kasse_with_valid_realistic_persons(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var clock = new FakeTimeProvider(Now);
        DemoSeedResult seeded;
        await using (var db = testDb.NewContext())
        {
            seeded = (await UseCase(db, clock).ExecuteAsync(300, AuditContext.System("test"), Ct)).Value;
        }
        Assert.True(seeded.KasseCreated);
        Assert.Equal((300, 300), (seeded.PersonsAdded, seeded.PersonsTotal));

        await using var check = testDb.NewContext();
        var kasse = await check.Kassen.SingleAsync(Ct);
        Assert.True(kasse.IsDemo);
        Assert.True(Ik.Parse(kasse.Ik).IsSuccess);
        Assert.Equal(SeedDemoData.DemoIk, kasse.Ik);

        var persons = await check.InsuredPersons.Include(p => p.Cards).Where(p => p.KasseId == kasse.Id).ToListAsync(Ct);
        Assert.Equal(300, persons.Count);
        Assert.All(persons, p => Assert.True(Kvnr.Parse(p.Kvnr).IsSuccess, p.Kvnr));
        Assert.Equal(300, persons.Select(p => p.Kvnr).Distinct().Count());
        Assert.All(persons.SelectMany(p => p.Cards), c =>
        {
            var card = CardNumber.Parse(c.CardNumber);
            Assert.True(card.IsSuccess, c.CardNumber);
            Assert.True(card.Value.IsTestCard);
            Assert.StartsWith("883", card.Value.Issuer, StringComparison.Ordinal);
        });
        Assert.All(persons, p => Assert.True(p.Cards.Count(c => c.EndedAt is null) <= 1));
        Assert.Contains(persons, p => p.Cards.Count > 1);

        // Names and addresses with umlauts and ß; realistic five-digit postcodes.
        Assert.Contains(persons, p => p.FamilyName.IndexOfAny(['ä', 'ö', 'ü', 'Ä', 'Ö', 'Ü', 'ß']) >= 0);
        Assert.Contains(persons, p => p.Street.Contains('ß', StringComparison.Ordinal));
        Assert.All(persons, p => Assert.Matches("^[0-9]{5}$", p.PostalCode));

        // The age limits exist exactly on "today" of the clock (Europe/Berlin).
        foreach (var age in new[] { 14, 15, 17, 18 })
        {
            Assert.Contains(persons, p => p.BirthDate == Today.AddYears(-age));
        }
        Assert.Contains(persons, p => p.InsuranceKind == InsuranceKind.Member && p.BirthDate == Today.AddYears(-15));
        Assert.Contains(persons, p => p.InsuranceKind == InsuranceKind.Member && p.BirthDate == Today.AddYears(-18));
        // Children of every age 0–17, and young adults, family-insured.
        var familyAges = persons.Where(p => p.InsuranceKind == InsuranceKind.Family).Select(p => AgeOn(p.BirthDate, Today)).ToHashSet();
        Assert.All(Enumerable.Range(0, 18), age => Assert.Contains(age, familyAges));
        Assert.Contains(familyAges, a => a is >= 18 and <= 25);

        // Families: every family-insured person points at a member of the same Kasse.
        var members = persons.Where(p => p.InsuranceKind == InsuranceKind.Member).Select(p => p.Kvnr).ToHashSet();
        Assert.All(persons.Where(p => p.InsuranceKind == InsuranceKind.Family), p => Assert.Contains(p.MainMemberKvnr!, members));
        Assert.All(persons.Where(p => p.InsuranceKind == InsuranceKind.Member), p => Assert.Null(p.MainMemberKvnr));
        Assert.All(persons, p => Assert.True(p.InsuranceStart >= p.BirthDate));

        Assert.Contains(persons, p => p.DeceasedOn is not null && p.InsuranceEnd == p.DeceasedOn);
        Assert.Contains(persons, p => p.DeceasedOn is null && p.InsuranceEnd < Today);

        var representatives = await check.Representatives.Where(r => r.KasseId == kasse.Id).ToListAsync(Ct);
        Assert.Contains(representatives, r => r.Kind == RepresentativeKind.Betreuer && r.Einwilligungsvorbehalt);
        Assert.Contains(representatives, r => r.Kind == RepresentativeKind.Bevollmaechtigter && r.ValidTo > Today
            && r.Scope != Representative.AllRequestKinds && r.RepresentativePersonId is not null);
        var byId = persons.ToDictionary(p => p.Id);
        var parents = representatives.Where(r => r.Kind == RepresentativeKind.GesetzlicherVertreter).ToList();
        Assert.NotEmpty(parents);
        Assert.All(parents, r =>
        {
            var child = byId[r.RepresentedPersonId];
            Assert.True(AgeOn(child.BirthDate, Today) < 18);
            // The parent is the main member or the spouse insured through them.
            var parent = byId[r.RepresentativePersonId!.Value];
            Assert.True(parent.Kvnr == child.MainMemberKvnr || parent.MainMemberKvnr == child.MainMemberKvnr);
        });
        // Every minor family member has their parents recorded.
        Assert.All(persons.Where(p => p.InsuranceKind == InsuranceKind.Family && AgeOn(p.BirthDate, Today) < 18),
            p => Assert.Equal(2, parents.Count(r => r.RepresentedPersonId == p.Id)));

        var clients = await check.ApiClients.Where(c => c.KasseId == kasse.Id).ToListAsync(Ct);
        Assert.Equal(SeedDemoData.DemoClients.Select(c => c.Name).Order(), clients.Select(c => c.Name).Order());
        Assert.All(clients, c => Assert.True(c.IsDemo));
        Assert.Equal("staff insured:read audit:read", clients.Single(c => c.Name == "staff-demo").Scopes);
        Assert.All(seeded.Clients, c => Assert.NotNull(c.Key));
        var key = seeded.Clients.Single(c => c.Name == "core-system-demo").Key!;
        Assert.NotNull(await new AuthenticateApiKey(check, new ApiKeyCache()).ExecuteAsync(key, Ct));

        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == AuditAction.DemoSeeded, Ct));

        // One demo staff account per workspace role, with the documented password and authenticator key.
        var staff = await check.StaffAccounts.Where(a => a.KasseId == kasse.Id).OrderBy(a => a.UserName).ToListAsync(Ct);
        Assert.Equal(Pforte.Core.Staff.StaffRoles.All.Order(), staff.Select(a => a.Roles).Order());
        Assert.All(seeded.StaffAccounts, a => Assert.True(a.Created));
        Assert.All(staff, a => Assert.NotNull(a.TotpConfirmedAt));
        var hasher = new Microsoft.AspNetCore.Identity.PasswordHasher<Pforte.Core.Staff.StaffAccount>();
        Assert.All(staff, a => Assert.NotEqual(Microsoft.AspNetCore.Identity.PasswordVerificationResult.Failed,
            hasher.VerifyHashedPassword(a, a.PasswordHash!, Pforte.Core.Staff.SeedDemoStaff.Password)));
        Assert.Equal(Pforte.Core.Staff.SeedDemoStaff.AuthenticatorKey, Pforte.Core.Accounts.Totp.Base32(Pforte.Core.Staff.SeedDemoStaff.AuthenticatorSecret()));
        Assert.Equal(6, await check.AuditEntries.CountAsync(e => e.Action == AuditAction.StaffAccountCreated && e.Details!.Contains("\"kind\":\"demo\""), Ct));
        var report = Assert.Single((await new VerifyAuditChain(check).ExecuteAsync(cancellationToken: Ct)).Value);
        Assert.True(report.IsIntact);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Seeding_again_tops_up_to_the_count_and_adds_nothing_already_there(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var clock = new FakeTimeProvider(Now);
        await using (var db = testDb.NewContext())
        {
            Assert.Equal(120, (await UseCase(db, clock).ExecuteAsync(120, AuditContext.System("test"), Ct)).Value.PersonsAdded);
        }
        await using (var db = testDb.NewContext())
        {
            var again = (await UseCase(db, clock).ExecuteAsync(120, AuditContext.System("test"), Ct)).Value;
            Assert.False(again.KasseCreated);
            Assert.Equal((0, 120), (again.PersonsAdded, again.PersonsTotal));
            Assert.All(again.Clients, c => Assert.Null(c.Key));
        }
        await using (var db = testDb.NewContext())
        {
            var more = (await UseCase(db, clock).ExecuteAsync(150, AuditContext.System("test"), Ct)).Value;
            Assert.Equal((30, 150), (more.PersonsAdded, more.PersonsTotal));
        }

        // Topped up in steps gives the very same persons as one run: the sequence is deterministic.
        await using var oneRun = await TestDb.CreateAsync("sqlite");
        await using (var db = oneRun.NewContext())
        {
            await UseCase(db, clock).ExecuteAsync(150, AuditContext.System("test"), Ct);
        }
        await using var stepped = testDb.NewContext();
        await using var single = oneRun.NewContext();
        var a = await stepped.InsuredPersons.OrderBy(p => p.Kvnr).Select(p => new { p.Kvnr, p.FamilyName, p.GivenName, p.BirthDate, p.City }).ToListAsync(Ct);
        var b = await single.InsuredPersons.OrderBy(p => p.Kvnr).Select(p => new { p.Kvnr, p.FamilyName, p.GivenName, p.BirthDate, p.City }).ToListAsync(Ct);
        Assert.Equal(b, a);
        Assert.Equal(await single.Representatives.CountAsync(Ct), await stepped.Representatives.CountAsync(Ct));
        Assert.Equal(5, await stepped.ApiClients.CountAsync(Ct));
        Assert.Equal(6, await stepped.StaffAccounts.CountAsync(Ct));
        Assert.Equal(3, await stepped.AuditEntries.CountAsync(e => e.Action == AuditAction.DemoSeeded, Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Seeding_refuses_a_database_with_a_real_kasse(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        var clock = new FakeTimeProvider(Now);
        await using var db = testDb.NewContext();
        await TestData.CreateKasseAsync(db, clock: clock);
        var result = await UseCase(db, clock).ExecuteAsync(10, AuditContext.System("test"), Ct);
        Assert.Equal(ErrorCodes.DemoRealData, result.Error?.Code);
        Assert.Equal(1, await db.Kassen.CountAsync(Ct));
        Assert.Equal(0, await db.InsuredPersons.CountAsync(Ct));
        Assert.Equal(0, await db.ApiClients.CountAsync(Ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(SeedDemoData.MaxCount + 1)]
    public async Task Seeding_refuses_a_count_out_of_range(int count)
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await using var db = testDb.NewContext();
        var result = await UseCase(db, new FakeTimeProvider(Now)).ExecuteAsync(count, AuditContext.System("test"), Ct);
        Assert.Equal(ErrorCodes.DemoCountRange, result.Error?.Code);
        Assert.Equal(0, await db.Kassen.CountAsync(Ct));
    }

    [Fact]
    public void Demo_kvnrs_and_ids_are_stable_per_running_number()
    {
        Assert.Equal(DemoPopulation.PersonId(42), DemoPopulation.PersonId(42));
        Assert.NotEqual(DemoPopulation.PersonId(42), DemoPopulation.PersonId(43));
        Assert.Equal(8, DemoPopulation.PersonId(7).Version);
        Assert.StartsWith("O", DemoPopulation.KvnrFor(5, "Öztürk"), StringComparison.Ordinal);
        Assert.True(Kvnr.Parse(DemoPopulation.KvnrFor(9_999_999, "Yılmaz")).IsSuccess);
    }
}
