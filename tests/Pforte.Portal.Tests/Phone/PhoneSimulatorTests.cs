using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Portal.Tests.Accounts;
using Pforte.Testing;

namespace Pforte.Portal.Tests.Phone;

/// <summary>
/// Issue 15, "done when": in the keypad simulator, in Chromium and by keyboard, a new caller keys the KVNR, the card
/// digits and the code from an exported letter, is verified, and sees the authentication bound to the call id; three
/// wrong codes lock the code exactly as /verify does. Every state passes axe (WCAG 2.1 AA) at desktop width and 320 px.
/// </summary>
public sealed class PhoneSimulatorTests(Chromium chromium)
{
    private static string Keyed(string kvnr) => ((kvnr[0] - 'A') + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture) + kvnr[1..];

    /// <summary>Does <paramref name="action"/> and waits until a new document (the form's answer) has loaded.</summary>
    private static async Task Nav(IPage page, Func<Task> action)
    {
        await page.EvaluateAsync("() => { window.pforteOld = true; }");
        await action();
        await page.WaitForFunctionAsync("() => !window.pforteOld && document.readyState === 'complete'");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_caller_verifies_with_the_letter_code_and_three_wrong_codes_lock_as_at_verify(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        await using (var scope = host.Scope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<CreateApiClient>().ExecuteAsync(host.Kasse.Id, "ivr-demo", [ApiScopes.MachineAuth], AuditContext.System("test"))).IsSuccess);
        }
        var (kvnr, card) = await LetterRegistrationTests.PersonAsync(host, 81);
        await using (var scope = host.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<IssueDueCodes>().ExecuteAsync(BerlinCalendar.Today(TimeProvider.System), AuditContext.System("test"), kasseId: host.Kasse.Id);
        }
        var code = LetterRegistrationTests.CodeInLetter().Match(await LetterRegistrationTests.ExportAndReadAsync(host)).Groups[1].Value;
        Assert.Matches("^[0-9]{4}$", code);

        var page = await chromium.NewPageAsync(host);
        var step = 0;
        async Task Check(string name) => await PageChecks.AssertGoodAsync(page, $"phone-{provider}-{++step:D2}-{name}");
        async Task Send(string keys)
        {
            await page.FillAsync("#tasten", keys);
            await Nav(page, () => page.PressAsync("#tasten", "Enter")); // "#": the form's first button
        }
        async Task<string> Announced() => await page.InnerTextAsync("#ansagen");

        await page.GotoAsync("/portal/telefon-simulator");
        await Check("start");
        await PageChecks.TabToAsync(page, "#anruf-starten");
        await Nav(page, () => page.Keyboard.PressAsync("Enter"));
        await page.WaitForSelectorAsync("#tasten");
        Assert.Contains("Versichertennummer", await Announced(), StringComparison.Ordinal);
        await Check("kvnr");
        var callId = await page.InnerTextAsync("#anruf-id");

        await Send(Keyed(kvnr));
        Assert.Contains("Sie haben eingegeben", await Announced(), StringComparison.Ordinal);
        await Check("read-back");
        // The keypad by keyboard: Tab to key 1, Enter, then "#".
        await PageChecks.TabToAsync(page, "button[value='1']", 60);
        await Nav(page, () => page.Keyboard.PressAsync("Enter"));
        Assert.Equal("1", await page.InputValueAsync("#tasten"));
        await PageChecks.TabToAsync(page, "#senden", 60);
        await Nav(page, () => page.Keyboard.PressAsync("Enter"));
        Assert.Contains("Gesundheitskarte", await Announced(), StringComparison.Ordinal);
        await Check("card");
        await Send(card[^10..]);
        Assert.Contains("Authentifizierungscode", await Announced(), StringComparison.Ordinal);
        await Send(code);
        Assert.Contains("bestätigt", await page.InnerTextAsync("#ergebnis"), StringComparison.Ordinal);
        Assert.Contains(callId, await page.InnerTextAsync("#bindung"), StringComparison.Ordinal);
        await Check("verified");
        await using (var db = host.NewContext())
        {
            var bound = await db.Authentications.SingleAsync(a => a.CallId == callId);
            Assert.Contains(bound.Id.ToString(), await page.InnerTextAsync("#bindung"), StringComparison.Ordinal);
        }

        // Three wrong codes: the dialogue starts over twice, then hands over; the code is locked and re-issued.
        var wrong = code == "7405" ? "8052" : "7405";
        await Nav(page, () => page.ClickAsync("#anruf-starten"));
        await page.WaitForSelectorAsync("#tasten");
        for (var round = 0; round < 3; round++)
        {
            await Send(Keyed(kvnr));
            await Send("1");
            await Send(card[^10..]);
            await Send(wrong);
        }
        Assert.Contains("nicht bestätigt", await page.InnerTextAsync("#ergebnis"), StringComparison.Ordinal);
        await Check("not-verified");
        await using (var db = host.NewContext())
        {
            var failures = await db.AuditEntries.Where(e => e.Action == AuditAction.CodeVerificationFailed).OrderBy(e => e.Id).Select(e => e.ReasonCode).ToListAsync();
            Assert.Equal(["wrong-code", "wrong-code", "wrong-code-locked"], failures);
            Assert.Equal(AuthCodeState.Pending, (await db.AuthCodes.SingleAsync()).State);
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Without_its_api_client_the_simulator_says_it_is_not_set_up(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal/telefon-simulator");
        Assert.Contains("nicht eingerichtet", await page.InnerTextAsync("#nicht-eingerichtet"), StringComparison.Ordinal);
        await PageChecks.AssertAccessibleAsync(page, "phone-not-set-up");
    }
}
