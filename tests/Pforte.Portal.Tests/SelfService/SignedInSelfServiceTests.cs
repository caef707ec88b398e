using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Core.SelfService;
using Pforte.Testing;

namespace Pforte.Portal.Tests.SelfService;

/// <summary>
/// Issue 12: the signed-in self-service in Chromium — "Meine Daten", the address with its effective date (two
/// letters), bank details, the contact e-mail through SMTP, and the code (change, order, block) — every state
/// checked with axe at desktop width and 320 px, on both databases; the high-value pages need a fresh second factor.
/// </summary>
public sealed class SignedInSelfServiceTests(Chromium chromium)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_changes_the_address_now_and_ahead_with_letters_to_the_new_and_the_old_address(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var person = await SelfServiceArrange.AddPersonAsync(host);
        var page = await SignedIn.PageAsync(chromium, host, person);

        await page.GotoAsync("/portal/daten");
        Assert.Contains("Schloßallee 3", await page.InnerTextAsync("#anschrift"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"daten-{provider}");

        await page.ClickAsync("a[href='/portal/daten/anschrift']");
        await PageChecks.AssertGoodAsync(page, $"daten-anschrift-{provider}");
        await page.FillAsync("#postalCode", "6031");
        await page.FillAsync("#effectiveOn", "gestern");
        await page.ClickAsync("main button[type=submit]");
        Assert.Equal(["#street", "#houseNumber", "#postalCode", "#city", "#effectiveOn"],
            await page.Locator(".pforte-error-summary a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
        await PageChecks.AssertGoodAsync(page, $"daten-anschrift-fehler-{provider}");

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, BerlinCalendar.Zone).DateTime);
        await page.FillAsync("#street", "Am Grün");
        await page.FillAsync("#houseNumber", "12 b");
        await page.FillAsync("#postalCode", "60311");
        await page.FillAsync("#city", "Frankfurt am Main");
        await page.FillAsync("#effectiveOn", today.ToString("dd.MM.yyyy", TextSet.German));
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/portal/daten?erledigt=anschrift");
        Assert.Contains("Am Grün 12 b", await page.InnerTextAsync("#anschrift"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"daten-anschrift-erledigt-{provider}");
        var letters = await SelfServiceArrange.QueryAsync(host, db => db.Letters.Where(l => l.PersonId == person.Id && l.Kind == LetterKinds.AddressChanged).Select(l => l.Street).ToListAsync(Ct));
        Assert.Equal(["Am Grün", "Schloßallee"], letters.Order(StringComparer.Ordinal));

        await page.GotoAsync("/portal/daten/anschrift");
        await page.FillAsync("#street", "Zeil");
        await page.FillAsync("#houseNumber", "1");
        await page.FillAsync("#postalCode", "60313");
        await page.FillAsync("#city", "Frankfurt am Main");
        await page.FillAsync("#effectiveOn", today.AddDays(30).ToString("dd.MM.yyyy", TextSet.German));
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/portal/daten?erledigt=umzug");
        Assert.Contains("Zeil 1", await page.InnerTextAsync("#umzug"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"daten-umzug-{provider}");
        Assert.Equal(2, await SelfServiceArrange.QueryAsync(host, db => db.Letters.CountAsync(l => l.Kind == LetterKinds.AddressChanged, Ct)));
        var actions = await SelfServiceArrange.QueryAsync(host, db => db.AuditEntries.Where(e => e.SubjectPersonId == person.Id).Select(e => e.Action).ToListAsync(Ct));
        Assert.Contains(AuditAction.AddressChanged, actions);
        Assert.Contains(AuditAction.AddressChangeScheduled, actions);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_gives_bank_details_with_a_checked_iban_and_sees_them_masked(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var person = await SelfServiceArrange.AddPersonAsync(host);
        var page = await SignedIn.PageAsync(chromium, host, person);

        await page.GotoAsync("/portal/daten/bankverbindung");
        await PageChecks.AssertGoodAsync(page, $"daten-bank-{provider}");
        await page.FillAsync("#iban", "DE88 3704 0044 0532 0130 00");
        await page.ClickAsync("main button[type=submit]");
        Assert.Contains(new Error(ErrorCodes.SelfIbanCheckDigits).Message, await page.InnerTextAsync("#iban-fehler"), StringComparison.Ordinal);
        Assert.Contains(new Error(ErrorCodes.SelfAccountHolder).Message, await page.InnerTextAsync("#accountHolder-fehler"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"daten-bank-fehler-{provider}");

        await page.FillAsync("#iban", "DE89 3704 0044 0532 0130 00");
        await page.FillAsync("#accountHolder", "Jürgen Groß");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/portal/daten?erledigt=bank");
        Assert.Contains("DE89 **** **** 3000", await page.InnerTextAsync("#bank"), StringComparison.Ordinal);
        Assert.DoesNotContain("0532013000", await page.ContentAsync(), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"daten-bank-erledigt-{provider}");
        Assert.Equal(1, await SelfServiceArrange.QueryAsync(host, db => db.Letters.CountAsync(l => l.Kind == LetterKinds.BankDetailsChanged, Ct)));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_registers_a_contact_email_through_the_link_in_the_mail(string provider)
    {
        await using var smtp = InProcessSmtp.Start();
        await using var host = await PortalHost.StartAsync(provider, smtp.Settings);
        var person = await SelfServiceArrange.AddPersonAsync(host);
        var page = await SignedIn.PageAsync(chromium, host, person);

        await page.GotoAsync("/portal/daten/email");
        await PageChecks.AssertGoodAsync(page, $"daten-email-{provider}");
        await page.FillAsync("#address", "juergen groß@example");
        await page.ClickAsync("main button[type=submit]");
        Assert.Contains(new Error(ErrorCodes.SelfEmailInvalid).Message, await page.InnerTextAsync("#address-fehler"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"daten-email-fehler-{provider}");

        await page.FillAsync("#address", "juergen@example.de");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/portal/daten?erledigt=email");
        Assert.Contains("juergen@example.de", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"daten-email-erledigt-{provider}");

        var link = (Assert.Single(smtp.Received()).TextBody ?? "").Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(host.BaseUrl, StringComparison.Ordinal));
        await page.GotoAsync(link);
        await page.ClickAsync("main button[type=submit]");
        await page.GotoAsync("/portal/daten");
        Assert.Equal("juergen@example.de", (await page.InnerTextAsync("#email")).Trim());
    }

    [Fact]
    public async Task Without_a_mail_server_the_email_page_says_so()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var person = await SelfServiceArrange.AddPersonAsync(host);
        var page = await SignedIn.PageAsync(chromium, host, person);
        await page.GotoAsync("/portal/daten/email");
        Assert.Contains(new Error(ErrorCodes.SelfEmailNotConfigured).Message, await page.InnerTextAsync("#nicht-eingerichtet"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#address").CountAsync());
        await PageChecks.AssertGoodAsync(page, "daten-email-nicht-eingerichtet");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_person_changes_orders_and_blocks_the_code_and_a_weak_one_is_refused_with_its_reason(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var person = await SelfServiceArrange.AddPersonAsync(host, "3852", new DateOnly(1971, 4, 12));
        var page = await SignedIn.PageAsync(chromium, host, person);

        await page.GotoAsync("/portal/code");
        Assert.Equal(Texts.Code["StateActive"], (await page.InnerTextAsync("#zustand")).Trim());
        await PageChecks.AssertGoodAsync(page, $"code-{provider}");

        await page.FillAsync("#currentCode", "1111");
        await page.FillAsync("#newCode", "6274");
        await page.ClickAsync("#aendern ~ form button[type=submit]");
        Assert.Contains(Texts.Code["FailedSignedIn"], await page.InnerTextAsync("#currentCode-fehler"), StringComparison.Ordinal);
        Assert.Equal(1, (await SelfServiceArrange.CodeRowAsync(host, person.Id)).Failures);
        await PageChecks.AssertGoodAsync(page, $"code-falsch-{provider}");

        await page.FillAsync("#currentCode", "3852");
        await page.FillAsync("#newCode", "1204");
        await page.ClickAsync("#aendern ~ form button[type=submit]");
        Assert.Contains("zu leicht zu erraten", await page.InnerTextAsync("#newCode-fehler"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"code-schwach-{provider}");

        await page.FillAsync("#currentCode", "3852");
        await page.FillAsync("#newCode", "6274");
        await page.ClickAsync("#aendern ~ form button[type=submit]");
        await page.WaitForURLAsync("**/portal/code?erledigt=geaendert");
        await PageChecks.AssertGoodAsync(page, $"code-geaendert-{provider}");
        Assert.True(await SelfServiceArrange.CodeIsAsync(host, person.Id, "6274"));

        await page.ClickAsync("#anfordern ~ form button[type=submit]");
        await page.WaitForURLAsync("**/portal/code?erledigt=angefordert");
        Assert.Equal(Texts.Code["StatePending"], (await page.InnerTextAsync("#zustand")).Trim());
        Assert.Equal(0, await page.Locator("#currentCode").CountAsync());
        await PageChecks.AssertGoodAsync(page, $"code-angefordert-{provider}");

        await page.ClickAsync("#sperren ~ form button[type=submit]");
        await page.WaitForURLAsync("**/portal/code?erledigt=unterwegs");
        await PageChecks.AssertGoodAsync(page, $"code-unterwegs-{provider}");
        Assert.Equal(1, await SelfServiceArrange.QueryAsync(host, db => db.Letters.CountAsync(l => l.Kind == LetterKinds.CodeReissued, Ct)));
        var row = await SelfServiceArrange.CodeRowAsync(host, person.Id);
        Assert.Equal((AuthCodeState.Pending, OrderNewCode.ReasonOrder), (row.State, row.Reason));
    }

    [Fact]
    public async Task The_high_value_pages_ask_for_the_second_factor_again_when_it_is_old()
    {
        await using var host = await PortalHost.StartAsync("sqlite", new Dictionary<string, string?> { ["Pforte:Portal:StepUpValidity"] = "00:00:00.001" });
        var person = await SelfServiceArrange.AddPersonAsync(host);
        var page = await SignedIn.PageAsync(chromium, host, person);
        foreach (var path in new[] { "/portal/code", "/portal/daten/anschrift", "/portal/daten/bankverbindung", "/portal/daten/email" })
        {
            await page.GotoAsync(path);
            Assert.StartsWith(host.Url("/portal/anmelden/bestaetigen?returnUrl="), page.Url, StringComparison.Ordinal);
            Assert.EndsWith(Uri.EscapeDataString(path), page.Url, StringComparison.Ordinal);
        }
        await page.GotoAsync("/portal/daten");
        Assert.EndsWith("/portal/daten", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pages_need_a_sign_in()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var page = await chromium.NewPageAsync(host);
        foreach (var path in new[] { "/portal/daten", "/portal/code", "/portal/daten/anschrift", "/portal/daten/bankverbindung", "/portal/daten/email" })
        {
            await page.GotoAsync(path);
            Assert.StartsWith(host.Url("/portal/anmelden"), page.Url, StringComparison.Ordinal);
        }
    }
}
