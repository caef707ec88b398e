using System.Diagnostics;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Caller;

/// <summary>
/// The caller screen (issue 14, item 2; ADR 0025): screen pop within a second, search, guidance, questions, flag,
/// re-issue — axe-clean at 1280 and 320 px on both databases, and never a code, a hash or an answer value.
/// </summary>
public sealed class CallerScreenTests(Chromium chromium)
{
    private static async Task<string> Html(IPage page) => await page.ContentAsync();

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_call_verified_by_the_ivr_pops_up_on_the_agents_screen_within_a_second(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var person = await AgentData.AddPersonAsync(host);
        using var ivr = await AgentData.ApiAsync(host);
        var page = await host.NewPageAsync();
        await host.SignInAsync(page, StaffRoles.Agent);

        await page.GotoAsync("/arbeitsplatz/anrufer");
        await PageChecks.AssertGoodAsync(page, $"ws-caller-empty-{provider}");
        // By keyboard: to the call id, type it, Enter.
        await PageChecks.TabToAsync(page, "#anruf-id");
        await page.Keyboard.TypeAsync("call-4711");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/arbeitsplatz/anrufer?call=call-4711");
        await Assertions.Expect(page.Locator("#screen-pop-status")).ToContainTextAsync("Die Seite zeigt den Anrufer von selbst");
        await PageChecks.AssertGoodAsync(page, $"ws-caller-waiting-{provider}");

        await AgentData.VerifyByIvrAsync(ivr, person, "call-4711");
        // Measured from the IVR's answer (the verification is committed) to the sentence on the agent's screen.
        // (Polled in the browser on every animation frame: Playwright's expect would poll too coarsely to measure.)
        var clock = Stopwatch.StartNew();
        await page.WaitForFunctionAsync("() => /Verifiziert, Niveau hoch/.test((document.querySelector('#screen-pop-status') || document.querySelector('#authentifizierung') || {}).textContent || '')",
            null, new() { Timeout = 5000 });
        var elapsed = clock.Elapsed;
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"screen pop took {elapsed.TotalMilliseconds:F0} ms");
        TestContext.Current.SendDiagnosticMessage($"screen pop ({provider}): {elapsed.TotalMilliseconds:F0} ms");
        // Then the caller's card loads by itself.
        await Assertions.Expect(page.Locator("#authentifizierung")).ToContainTextAsync("Verifiziert, Niveau hoch");
        await Assertions.Expect(page.Locator("#authentifizierung")).ToContainTextAsync("über IVR");
        await Assertions.Expect(page.Locator("tr[data-kind=insurance-status] td").First).ToHaveTextAsync("Ja");
        await Assertions.Expect(page.Locator("tr[data-kind=address-change] td").First).ToHaveTextAsync("Nein");
        await PageChecks.AssertGoodAsync(page, $"ws-caller-popped-{provider}");
        AgentData.AssertNoSecrets(await Html(page), person, "caller card");

        // The event stream itself: one event with the card's address, nothing secret.
        var stream = await page.Context.APIRequest.GetAsync(host.Url("/arbeitsplatz/anrufer/ereignisse?call=call-4711"));
        Assert.Equal("text/event-stream; charset=utf-8", stream.Headers["content-type"]);
        var body = await stream.TextAsync();
        Assert.Contains("event: verified", body, StringComparison.Ordinal);
        Assert.Contains(person.Id.ToString(), body, StringComparison.Ordinal);
        AgentData.AssertNoSecrets(body, person, "event stream");
        Assert.DoesNotContain(person.Kvnr, body, StringComparison.Ordinal);

        Assert.True(await AgentData.CountAsync(host, AuditAction.WorkspaceCallTaken) >= 1);
        Assert.True(await AgentData.CountAsync(host, AuditAction.WorkspaceCallerCardOpened) >= 1);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Without_script_the_waiting_page_offers_Aktualisieren_and_shows_the_caller_after_it(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var person = await AgentData.AddPersonAsync(host);
        using var ivr = await AgentData.ApiAsync(host);
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = host.BaseUrl, JavaScriptEnabled = false, ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await host.SignInAsync(page, StaffRoles.Agent);
        await page.GotoAsync("/arbeitsplatz/anrufer?call=call-0815");
        await Assertions.Expect(page.Locator("#screen-pop-status")).ToContainTextAsync("Aktualisieren");
        await AgentData.VerifyByIvrAsync(ivr, person, "call-0815");
        await page.GetByRole(AriaRole.Link, new() { Name = "Aktualisieren" }).ClickAsync();
        await Assertions.Expect(page.Locator("#authentifizierung")).ToContainTextAsync("Verifiziert, Niveau hoch");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_agent_finds_the_caller_asks_the_questions_sets_the_flag_and_reissues_the_code(string provider)
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, provider);
        var person = await AgentData.AddPersonAsync(host);
        await AgentData.AddPersonAsync(host);
        var page = await host.NewPageAsync();
        var agent = await host.SignInAsync(page, StaffRoles.Agent);
        await page.GotoAsync("/arbeitsplatz/anrufer?call=call-77");

        // Search: an error at its field, then two of the same name and birth date.
        await page.FillAsync("#suche-name", "Groß");
        await page.ClickAsync("form[action*='handler=Search'] button[type=submit]");
        await Assertions.Expect(page.Locator(".kern-error").First).ToContainTextAsync("Geburtsdatum");
        await PageChecks.AssertGoodAsync(page, $"ws-caller-search-error-{provider}");
        await page.FillAsync("#suche-name", "GROSS");
        await page.FillAsync("#suche-geburtsdatum", "12.04.1971");
        await page.ClickAsync("form[action*='handler=Search'] button[type=submit]");
        await Assertions.Expect(page.Locator("#treffer")).ToHaveTextAsync("Treffer: 2");
        await PageChecks.AssertGoodAsync(page, $"ws-caller-hits-{provider}");
        await page.ClickAsync($"a:has-text('{person.Kvnr}')");
        await Assertions.Expect(page.Locator("#authentifizierung")).ToContainTextAsync("Noch nicht authentifiziert");
        await Assertions.Expect(page.Locator("tr[data-kind=insurance-status] td").First).ToHaveTextAsync("Nein");
        await PageChecks.AssertGoodAsync(page, $"ws-caller-card-{provider}");

        // Questions: texts only; the agent types the caller's answers.
        await page.ClickAsync("form[action*='handler=Draw'] button");
        var labels = page.Locator("form[action*='handler=Answer'] label");
        await Assertions.Expect(labels).ToHaveCountAsync(3);
        await PageChecks.AssertGoodAsync(page, $"ws-caller-questions-{provider}");
        for (var i = 0; i < 3; i++)
        {
            var text = await labels.Nth(i).InnerTextAsync();
            var answer = text.Contains("Geburtsdatum", StringComparison.Ordinal) ? "12.04.1971"
                : text.Contains("Postleitzahl", StringComparison.Ordinal) ? "35037 Schloßallee"
                : text.Contains("Monat und Jahr", StringComparison.Ordinal) ? "01/2001"
                : System.Text.RegularExpressions.Regex.Match(text, @"letzten (\d+) Ziffern") is { Success: true } digits ? person.Card[^int.Parse(digits.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)..]
                : throw new InvalidOperationException(text);
            await page.FillAsync($"#antwort-{i}", answer);
        }
        await page.ClickAsync("form[action*='handler=Answer'] button[type=submit]");
        await Assertions.Expect(page.Locator("#authentifizierung")).ToContainTextAsync("Verifiziert, Niveau substantiell");
        await Assertions.Expect(page.Locator("#authentifizierung")).ToContainTextAsync("mit Wissensfragen");
        await Assertions.Expect(page.Locator("tr[data-kind=insurance-status] td").First).ToHaveTextAsync("Ja");
        await PageChecks.AssertGoodAsync(page, $"ws-caller-questions-passed-{provider}");
        var html = await Html(page);
        AgentData.AssertNoSecrets(html, person, "after the questions");
        Assert.DoesNotContain("Schloßallee", html, StringComparison.Ordinal);

        // The flag.
        await page.ClickAsync("form[action*='handler=Flag'] button");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Vermerkt: braucht einen anderen Weg");
        await PageChecks.AssertGoodAsync(page, $"ws-caller-flag-{provider}");

        // Re-issue: the reason is required; then done, without ever showing the new code.
        await page.ClickAsync("form[action*='handler=Reissue'] button[type=submit]");
        await Assertions.Expect(page.Locator("#grund-fehler")).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"ws-caller-reissue-error-{provider}");
        await page.FillAsync("#grund", "Brief nicht erhalten");
        await page.ClickAsync("form[action*='handler=Reissue'] button[type=submit]");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("ein neuer Code geht per Brief");
        await PageChecks.AssertGoodAsync(page, $"ws-caller-reissued-{provider}");
        AgentData.AssertNoSecrets(await Html(page), person, "after the re-issue");

        var audit = await host.AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.WorkspacePersonSearched && e.ActorKind == ActorKind.Staff);
        Assert.Contains(audit, e => e.Action == AuditAction.PhoneQuestionsPassed && e.SubjectPersonId == person.Id);
        Assert.Contains(audit, e => e.Action == AuditAction.AlternativeAuthenticationFlagSet && e.SubjectPersonId == person.Id);
        Assert.Contains(audit, e => e.Action == AuditAction.CodeReissuedByStaff && e.SubjectPersonId == person.Id && e.Channel == "phone");
        Assert.All(audit, e => Assert.DoesNotContain("Schloßallee", e.Details ?? "", StringComparison.Ordinal));
        await AgentData.AssertNoClientAsync(host, person.Id, agent.ActorId);
    }
}
