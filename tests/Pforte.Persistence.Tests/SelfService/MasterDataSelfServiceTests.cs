using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Core.SelfService;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.SelfService;

/// <summary>Issue 12: address (with an effective date), bank details and the contact e-mail, changed by the person in the portal.</summary>
public sealed class MasterDataSelfServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Result<AddressChangeDone>> MoveAsync(SelfServiceFixture f, Guid personId, string effective, string street = "Am Grün") =>
        f.UseAsync(sp => sp.GetRequiredService<ChangeAddress>().ExecuteAsync(f.Kasse.Id, personId,
            new NewAddress(street, "12 b", "60311", "Frankfurt am Main", effective), SelfServiceFixture.Portal(), Ct));

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_address_change_from_today_applies_at_once_and_writes_to_the_new_and_the_old_address(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();

        var done = (await MoveAsync(f, person.Id, "05.12.2026")).Value;

        Assert.True(done.Applied);
        var stored = await f.QueryAsync(db => db.InsuredPersons.SingleAsync(p => p.Id == person.Id, Ct));
        Assert.Equal(("Am Grün", "12 b", "60311", "Frankfurt am Main"), (stored.Street, stored.HouseNumber, stored.PostalCode, stored.City));
        var letters = await f.QueryAsync(db => db.Letters.Where(l => l.PersonId == person.Id).ToListAsync(Ct));
        Assert.Equal(2, letters.Count);
        Assert.All(letters, l => Assert.Equal(LetterKinds.AddressChanged, l.Kind));
        Assert.Equal(["Am Grün", "Schloßallee"], letters.Select(l => l.Street).Order(StringComparer.Ordinal));
        var changed = Assert.Single(await f.AuditAsync(person.Id), e => e.Action == AuditAction.AddressChanged);
        Assert.Contains("\"effective\":\"2026-12-05\"", changed.Details, StringComparison.Ordinal);
        Assert.Equal(ActorKind.Insured, changed.ActorKind);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_move_reported_ahead_waits_for_its_day_and_a_new_report_replaces_it(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();

        Assert.False((await MoveAsync(f, person.Id, "2027-01-01", "Erster Weg")).Value.Applied);
        Assert.False((await MoveAsync(f, person.Id, "2027-01-15")).Value.Applied);
        Assert.Equal("Schloßallee", await f.QueryAsync(db => db.InsuredPersons.Where(p => p.Id == person.Id).Select(p => p.Street).SingleAsync(Ct)));
        Assert.Equal(0, await f.QueryAsync(db => db.Letters.CountAsync(Ct)));
        Assert.Equal(new DateOnly(2027, 1, 15), (await f.UseAsync(sp => sp.GetRequiredService<GetMyData>().ExecuteAsync(f.Kasse.Id, person.Id, Ct))).ScheduledAddress!.EffectiveOn);

        Assert.Equal(0, await f.UseAsync(sp => sp.GetRequiredService<ApplyDueAddressChanges>().ExecuteAsync(new DateOnly(2027, 1, 14), AuditContext.System("test"), Ct)));
        Assert.Equal(1, await f.UseAsync(sp => sp.GetRequiredService<ApplyDueAddressChanges>().ExecuteAsync(new DateOnly(2027, 1, 15), AuditContext.System("test"), Ct)));

        Assert.Equal("Am Grün", await f.QueryAsync(db => db.InsuredPersons.Where(p => p.Id == person.Id).Select(p => p.Street).SingleAsync(Ct)));
        Assert.Equal(2, await f.QueryAsync(db => db.Letters.CountAsync(l => l.Kind == LetterKinds.AddressChanged, Ct)));
        Assert.Contains(await f.AuditAsync(person.Id), e => e.Action == AuditAction.AddressChangeScheduled);
        Assert.Null((await f.UseAsync(sp => sp.GetRequiredService<GetMyData>().ExecuteAsync(f.Kasse.Id, person.Id, Ct))).ScheduledAddress);
    }

    [Fact]
    public void Every_bad_field_of_the_address_form_is_named_at_once()
    {
        var today = new DateOnly(2026, 12, 5);
        var options = new SelfServiceOptions();
        var errors = ChangeAddress.Validate(new NewAddress(" ", new string('1', 21), "6031", "Köln\u0000", "31.12.2027"), today, options);
        Assert.Equal(["street", "houseNumber", "postalCode", "city", "effectiveOn"], errors.Select(e => e.Field));
        Assert.Equal([ErrorCodes.SelfAddressStreet, ErrorCodes.SelfAddressTooLong, ErrorCodes.SelfAddressPostalCode, ErrorCodes.SelfAddressCharacters, ErrorCodes.SelfAddressDateRange],
            errors.Select(e => e.Error.Code));
        Assert.Equal(ErrorCodes.SelfAddressDate, ChangeAddress.Validate(new NewAddress("A", "1", "12345", "B", "gestern"), today, options).Single().Error.Code);
        Assert.Empty(ChangeAddress.Validate(new NewAddress("A", "1", "12345", "B", "5.11.2026"), today, options));
        Assert.Single(ChangeAddress.Validate(new NewAddress("A", "1", "12345", "B", "4.11.2026"), today, options));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_same_address_again_changes_nothing(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();
        var result = await f.UseAsync(sp => sp.GetRequiredService<ChangeAddress>().ExecuteAsync(f.Kasse.Id, person.Id,
            new NewAddress("Schloßallee", "3", "35037", "Marburg", "05.12.2026"), SelfServiceFixture.Portal(), Ct));
        Assert.Equal(ErrorCodes.SelfAddressUnchanged, result.Error!.Code);
        Assert.Equal(0, await f.QueryAsync(db => db.Letters.CountAsync(Ct)));
    }

    [Theory]
    [InlineData("DE89370400440532013000", null)]
    [InlineData("DE89 3704 0044 0532 0130 00", null)]
    [InlineData("AT611904300234573201", null)]
    [InlineData("", ErrorCodes.SelfIbanMissing)]
    [InlineData("de89370400440532013000", ErrorCodes.SelfIbanCharacters)]
    [InlineData("DE89-3704-0044-0532-0130-00", ErrorCodes.SelfIbanCharacters)]
    [InlineData("US89370400440532013000", ErrorCodes.SelfIbanCountry)]
    [InlineData("DE8937040044053201300", ErrorCodes.SelfIbanLength)]
    [InlineData("DE88370400440532013000", ErrorCodes.SelfIbanCheckDigits)]
    [InlineData("DE89370400440532031000", ErrorCodes.SelfIbanCheckDigits)]
    public void An_iban_is_checked_by_country_length_and_check_digits(string input, string? code)
    {
        var result = Iban.Parse(input);
        Assert.Equal(code, result.Error?.Code);
        if (code is null)
        {
            Assert.DoesNotContain(' ', result.Value);
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task New_bank_details_are_stored_confirmed_by_letter_and_audited_masked(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();
        Task<Result<BankDetailsChanged>> Change(string iban) => f.UseAsync(sp => sp.GetRequiredService<ChangeBankDetails>()
            .ExecuteAsync(f.Kasse.Id, person.Id, iban, "Jürgen Groß", SelfServiceFixture.Portal(), Ct));

        Assert.Equal(ErrorCodes.SelfIbanCheckDigits, (await Change("DE88370400440532013000")).Error!.Code);
        Assert.Equal("DE89 **** **** 3000", (await Change("DE89 3704 0044 0532 0130 00")).Value.MaskedIban);
        Assert.True((await Change("AT611904300234573201")).IsSuccess);

        var account = await f.QueryAsync(db => db.Set<BankAccount>().SingleAsync(Ct));
        Assert.Equal("AT611904300234573201", account.Iban);
        Assert.Equal(2, await f.QueryAsync(db => db.Letters.CountAsync(l => l.Kind == LetterKinds.BankDetailsChanged, Ct)));
        var entries = (await f.AuditAsync(person.Id)).Where(e => e.Action == AuditAction.BankDetailsChanged).ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.DoesNotContain("0532013000", e.Details, StringComparison.Ordinal));
        Assert.Equal("AT61 **** **** 3201", (await f.UseAsync(sp => sp.GetRequiredService<GetMyData>().ExecuteAsync(f.Kasse.Id, person.Id, Ct))).MaskedIban);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_contact_email_counts_only_after_its_link_was_followed_once_in_time(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();
        Task<Result<ContactEmailRequested>> Request(string address) => f.UseAsync(sp => sp.GetRequiredService<RequestContactEmail>()
            .ExecuteAsync(f.Kasse.Id, person.Id, address, token => "http://localhost/portal/daten/email/bestaetigen?token=" + token, SelfServiceFixture.Portal(), Ct));
        Task<Result<ContactEmailConfirmed>> Confirm(string? token) =>
            f.UseAsync(sp => sp.GetRequiredService<ConfirmContactEmail>().ExecuteAsync(token, SelfServiceFixture.Portal(), Ct));

        Assert.Equal(ErrorCodes.SelfEmailInvalid, (await Request("jürgen groß@example.de")).Error!.Code);
        Assert.True((await Request("juergen@example.de")).IsSuccess);
        var mail = Assert.Single(f.Mail.Sent);
        Assert.Equal("juergen@example.de", mail.To);
        Assert.DoesNotContain("Groß", mail.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Kvnr, mail.Body, StringComparison.Ordinal);
        var token = mail.Body.Split("token=")[1].Split('\n')[0].Trim();
        Assert.Equal(43, token.Length);
        Assert.Null((await f.UseAsync(sp => sp.GetRequiredService<GetMyData>().ExecuteAsync(f.Kasse.Id, person.Id, Ct))).ContactEmail);

        // The database holds only the token's hash; the audit record neither token nor the full address.
        var stored = await f.QueryAsync(db => db.Set<EmailConfirmation>().SingleAsync(Ct));
        Assert.NotEqual(System.Text.Encoding.UTF8.GetBytes(token), stored.TokenHash);
        Assert.All(await f.AuditAsync(person.Id), e => Assert.DoesNotContain(token, e.Details ?? "", StringComparison.Ordinal));
        Assert.All(await f.AuditAsync(person.Id), e => Assert.DoesNotContain("juergen@", e.Details ?? "", StringComparison.Ordinal));

        Assert.Equal(ErrorCodes.SelfEmailLinkInvalid, (await Confirm(token[..42] + "x")).Error!.Code);
        Assert.Equal("juergen@example.de", (await Confirm(token)).Value.Address);
        Assert.Equal(ErrorCodes.SelfEmailLinkInvalid, (await Confirm(token)).Error!.Code);
        Assert.Equal("juergen@example.de", (await f.UseAsync(sp => sp.GetRequiredService<GetMyData>().ExecuteAsync(f.Kasse.Id, person.Id, Ct))).ContactEmail);

        Assert.True((await Request("neu@example.de")).IsSuccess);
        var late = f.Mail.Sent[^1].Body.Split("token=")[1].Split('\n')[0].Trim();
        f.Clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(ErrorCodes.SelfEmailLinkInvalid, (await Confirm(late)).Error!.Code);
        Assert.Contains(await f.AuditAsync(person.Id), e => e.Action == AuditAction.ContactEmailConfirmed);
        Assert.Contains(await f.AuditAsync(person.Id), e => e.Action == AuditAction.OutboundReleased);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Without_a_mail_server_the_person_is_told_so_and_nothing_is_stored(string provider)
    {
        await using var f = await SelfServiceFixture.CreateAsync(provider);
        var person = await f.AddPersonAsync();
        f.Mail.IsConfigured = false;
        var result = await f.UseAsync(sp => sp.GetRequiredService<RequestContactEmail>()
            .ExecuteAsync(f.Kasse.Id, person.Id, "juergen@example.de", t => t, SelfServiceFixture.Portal(), Ct));
        Assert.Equal(ErrorCodes.SelfEmailNotConfigured, result.Error!.Code);
        Assert.Contains("nicht eingerichtet", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await f.QueryAsync(db => db.Set<EmailConfirmation>().CountAsync(Ct)));
    }
}
