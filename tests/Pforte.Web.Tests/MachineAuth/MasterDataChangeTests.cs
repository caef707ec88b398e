using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Clients;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

/// <summary>What the core system reports through PUT /api/v1/insured reaches the machine procedure at once.</summary>
public sealed class MasterDataChangeTests
{
    private static Dictionary<string, string?> Record(MachineAuthHarness.Person p, string card, string? deceasedOn = null) => new()
    {
        ["kvnr"] = p.Kvnr,
        ["familyName"] = "Groß",
        ["givenName"] = "Jürgen",
        ["birthDate"] = p.BirthDate.ToString("yyyy-MM-dd"),
        ["insuranceKind"] = "member",
        ["insuranceStart"] = "2001-01-01",
        ["street"] = "Schloßallee",
        ["houseNumber"] = "3",
        ["postalCode"] = "35037",
        ["city"] = "Marburg",
        ["cardNumber"] = card,
        ["deceasedOn"] = deceasedOn,
    };

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_new_card_works_at_once_the_old_one_no_longer_and_the_code_stays(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (_, coreKey) = await h.Factory.CreateClientAsync("core-system", TestData.Ik, ApiScopes.InsuredWrite);
        var core = h.Factory.ClientWithKey(coreKey);
        var (person, code) = await h.PersonWithCodeAsync();
        var newCard = TestData.Card(77_001);

        Assert.Equal(HttpStatusCode.OK, (await core.PutAsJsonAsync($"/api/v1/insured/{person.Kvnr}", Record(person, newCard))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person with { Card = newCard }, code))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person with { Card = newCard }, code, "phone"))).StatusCode);
        var reasons = await h.WithDbAsync(db => db.AuditEntries.Where(e => e.SubjectPersonId == person.Id && e.Action == AuditAction.CodeVerificationFailed).Select(e => e.ReasonCode).ToListAsync());
        Assert.Equal(["old-card"], reasons);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_reported_death_deletes_the_code_at_once(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (_, coreKey) = await h.Factory.CreateClientAsync("core-system", TestData.Ik, ApiScopes.InsuredWrite);
        var core = h.Factory.ClientWithKey(coreKey);
        var (person, code) = await h.PersonWithCodeAsync();

        var response = await core.PutAsJsonAsync($"/api/v1/insured/{person.Kvnr}", Record(person, person.Card, deceasedOn: "2026-11-20"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var row = await h.WithDbAsync(db => db.AuthCodes.SingleAsync(a => a.PersonId == person.Id));
        Assert.Equal(AuthCodeState.None, row.State);
        Assert.Null(row.CodeHash);
        Assert.Equal(AuthCodeReasons.Deceased, row.Reason);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
        Assert.True(await h.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.CodeDeleted && e.SubjectPersonId == person.Id)));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_address_change_is_confirmed_to_the_new_and_the_old_address(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (_, coreKey) = await h.Factory.CreateClientAsync("core-system", TestData.Ik, ApiScopes.InsuredWrite);
        var core = h.Factory.ClientWithKey(coreKey);
        var person = await h.AddPersonAsync();
        var moved = Record(person, person.Card);
        moved["street"] = "Neue Gasse";
        moved["houseNumber"] = "12b";
        moved["postalCode"] = "60311";
        moved["city"] = "Frankfurt am Main";

        Assert.Equal(HttpStatusCode.OK, (await core.PutAsJsonAsync($"/api/v1/insured/{person.Kvnr}", moved)).StatusCode);

        var letters = await h.WithDbAsync(db => db.Letters.Where(l => l.PersonId == person.Id && l.Kind == Pforte.Core.Letters.LetterKinds.AddressChanged).ToListAsync());
        Assert.Equal(2, letters.Count);
        Assert.Contains(letters, l => l.Street == "Neue Gasse" && l.HouseNumber == "12b" && l.City == "Frankfurt am Main");
        Assert.Contains(letters, l => l.Street == "Schloßallee" && l.HouseNumber == "3" && l.City == "Marburg");
        Assert.All(letters, l => Assert.Null(l.SealedCode));
    }
}
