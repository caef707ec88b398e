using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Testing;

namespace Pforte.Portal.Tests.SelfService;

/// <summary>
/// Issue 12: the public code pages without an account — change (KVNR + card + current code + new code, counted and
/// throttled like the API) and a new code by post (KVNR + card + birth date, one answer for every outcome) — in
/// Chromium, every state checked with axe at desktop width and 320 px.
/// </summary>
public sealed class PublicCodePageTests(Chromium chromium)
{
    private static async Task SubmitChangeAsync(IPage page, string kvnr, string card, string code, string newCode)
    {
        await page.FillAsync("#kvnr", kvnr);
        await page.FillAsync("#card", card);
        await page.FillAsync("#currentCode", code);
        await page.FillAsync("#newCode", newCode);
        await page.ClickAsync("main button[type=submit]");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_public_change_counts_a_wrong_code_explains_a_weak_one_and_changes_a_good_one(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var person = await SelfServiceArrange.AddPersonAsync(host, "3852", new DateOnly(1971, 4, 12));
        var card = await SelfServiceArrange.CardAsync(host, person.Id);
        var page = await chromium.NewPageAsync(host);

        await page.GotoAsync("/portal/code/aendern");
        await PageChecks.AssertGoodAsync(page, $"code-aendern-{provider}");

        await page.ClickAsync("main button[type=submit]");
        var summary = page.Locator(".pforte-error-summary a");
        Assert.Equal(4, await summary.CountAsync());
        Assert.Equal("#kvnr", await summary.First.GetAttributeAsync("href"));
        await PageChecks.AssertGoodAsync(page, $"code-aendern-leer-{provider}");

        await SubmitChangeAsync(page, person.Kvnr, card, "1111", "6274");
        Assert.Contains(new Error(ErrorCodes.MachineAuthFailed).Message, await page.InnerTextAsync(".pforte-error-summary"), StringComparison.Ordinal);
        // The codes typed are never sent back into the page.
        Assert.Equal(("", ""), (await page.InputValueAsync("#currentCode"), await page.InputValueAsync("#newCode")));
        Assert.DoesNotContain("value=\"1111\"", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(1, (await SelfServiceArrange.CodeRowAsync(host, person.Id)).Failures);
        await PageChecks.AssertGoodAsync(page, $"code-aendern-falsch-{provider}");

        await SubmitChangeAsync(page, person.Kvnr, card, "3852", "1971");
        var weak = await page.InnerTextAsync("#newCode-fehler");
        Assert.Contains("zu leicht zu erraten", weak, StringComparison.Ordinal);
        Assert.Contains(WeakCodeTexts.Describe(WeakCodes.Check("1971", CodeIssuer.Facts(person, card))!), weak, StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"code-aendern-schwach-{provider}");

        await SubmitChangeAsync(page, person.Kvnr, string.Join(' ', card[..5], card[5..10], card[10..]), "3852", "6274");
        await page.WaitForURLAsync("**/portal/code/aendern?erledigt=ja");
        Assert.Contains("Ihr Code ist geändert", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"code-aendern-erledigt-{provider}");

        Assert.True(await SelfServiceArrange.CodeIsAsync(host, person.Id, "6274"));
        Assert.Equal(LetterKinds.CodeChanged, await SelfServiceArrange.QueryAsync(host, db => db.Letters.Where(l => l.PersonId == person.Id).Select(l => l.Kind).SingleAsync()));
        var audit = await SelfServiceArrange.QueryAsync(host, db => db.AuditEntries.Where(e => e.SubjectPersonId == person.Id).ToListAsync());
        Assert.Contains(audit, e => e.Action == AuditAction.CodeVerificationFailed && e.Channel == "portal" && e.SourceIp == "127.0.0.1");
        Assert.Contains(audit, e => e.Action == AuditAction.CodeChanged);
        Assert.All(audit, e => Assert.DoesNotContain("6274", e.Details ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_public_change_works_by_keyboard_alone()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var person = await SelfServiceArrange.AddPersonAsync(host, "3852");
        var card = await SelfServiceArrange.CardAsync(host, person.Id);
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal/code/aendern");

        await PageChecks.TabToAsync(page, "#kvnr");
        await page.Keyboard.TypeAsync(person.Kvnr);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(card);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("3852");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("6274");
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.matches('main button[type=submit]')"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/portal/code/aendern?erledigt=ja");
        Assert.True(await SelfServiceArrange.CodeIsAsync(host, person.Id, "6274"));
    }

    [Fact]
    public async Task A_source_that_keeps_failing_gets_429_on_the_public_page_as_on_the_api()
    {
        await using var host = await PortalHost.StartAsync("sqlite", new Dictionary<string, string?> { ["Pforte:Throttling:MaxFailuresPerSource"] = "2" });
        var person = await SelfServiceArrange.AddPersonAsync(host, "3852");
        var card = await SelfServiceArrange.CardAsync(host, person.Id);
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal/code/aendern");
        await SubmitChangeAsync(page, person.Kvnr, card, "1111", "6274");
        await SubmitChangeAsync(page, person.Kvnr, card, "2222", "6274");

        var response = await page.RunAndWaitForResponseAsync(() => SubmitChangeAsync(page, person.Kvnr, card, "3852", "6274"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/portal/code/aendern", StringComparison.Ordinal));
        Assert.Equal(429, response.Status);
        Assert.Contains(new Error(ErrorCodes.MachineAuthThrottled).Message, await page.InnerTextAsync(".pforte-error-summary"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, "code-aendern-gesperrt");
        Assert.False(await SelfServiceArrange.CodeIsAsync(host, person.Id, "6274"));
    }

    [Fact]
    public async Task The_public_form_refuses_a_post_without_its_antiforgery_token()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var person = await SelfServiceArrange.AddPersonAsync(host, "3852");
        var card = await SelfServiceArrange.CardAsync(host, person.Id);
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var response = await http.PostAsync("/portal/code/aendern", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Kvnr"] = person.Kvnr, ["Card"] = card, ["CurrentCode"] = "3852", ["NewCode"] = "6274",
        }), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(await SelfServiceArrange.CodeIsAsync(host, person.Id, "3852"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_public_order_answers_alike_and_sends_a_code_only_when_everything_matches(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var person = await SelfServiceArrange.AddPersonAsync(host, "3852", new DateOnly(1971, 4, 12));
        var card = await SelfServiceArrange.CardAsync(host, person.Id);
        var page = await chromium.NewPageAsync(host);

        await page.GotoAsync("/portal/code/aendern");
        await page.ClickAsync("a[href='/portal/code/anfordern']");
        await PageChecks.AssertGoodAsync(page, $"code-anfordern-{provider}");

        await page.FillAsync("#kvnr", person.Kvnr);
        await page.FillAsync("#card", card);
        await page.FillAsync("#birthDate", "31.02.1971");
        await page.ClickAsync("main button[type=submit]");
        Assert.Contains(new Error(ErrorCodes.SelfBirthDate).Message, await page.InnerTextAsync("#birthDate-fehler"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"code-anfordern-fehler-{provider}");

        await page.FillAsync("#birthDate", "13.04.1971");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/portal/code/anfordern?erledigt=ja");
        var mismatch = await page.InnerTextAsync("main");
        await PageChecks.AssertGoodAsync(page, $"code-anfordern-erledigt-{provider}");
        Assert.Equal(0, await SelfServiceArrange.QueryAsync(host, db => db.Letters.CountAsync()));

        await page.GotoAsync("/portal/code/anfordern");
        await page.FillAsync("#kvnr", person.Kvnr);
        await page.FillAsync("#card", card);
        await page.FillAsync("#birthDate", "12.04.1971");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/portal/code/anfordern?erledigt=ja");
        Assert.Equal(mismatch, await page.InnerTextAsync("main"));

        var letter = await SelfServiceArrange.QueryAsync(host, db => db.Letters.SingleAsync());
        Assert.Equal((LetterKinds.CodeReissued, person.Id), (letter.Kind, letter.PersonId));
        Assert.Equal(AuthCodeState.Pending, (await SelfServiceArrange.CodeRowAsync(host, person.Id)).State);
    }
}
