using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Accounts;
using Pforte.Core.Audit;
using Pforte.Testing.Accounts;

namespace Pforte.Portal.Tests.Accounts;

/// <summary>A portal account of a test person, with what a person would know: name, password, authenticator key.</summary>
public sealed class TestAccount(CodedPerson person, string userName, string password, string authenticatorKey)
{
    public CodedPerson Person { get; } = person;

    public string UserName { get; } = userName;

    public string Password { get; } = password;

    /// <summary>The base32 key of the authenticator app.</summary>
    public string AuthenticatorKey { get; } = authenticatorKey;

    /// <summary>The last TOTP step used: each code is accepted once, so the next sign-in takes a later one.</summary>
    public long LastStep { get; set; }

    /// <summary>
    /// What the app shows for a step the server still accepts (the current one ±1) and that is newer than the last used.
    /// The previous step only while more than 20 s of the current one remain — near the end of a step it would expire
    /// on its way to the server (on a loaded machine a browser test's submit can take more than 10 s: a clean-clone CI
    /// saw a step-up refused that way). When every usable step is taken (three codes within one step), waits for the next step
    /// rather than sending a code the server must refuse.
    /// </summary>
    public string NextCode()
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var now = DateTimeOffset.UtcNow;
            var current = Totp.StepAt(now);
            var remaining = (current + 1) * Totp.StepSeconds - now.ToUnixTimeSeconds();
            for (var step = remaining > 20 ? current - 1 : current; step <= current + 1; step++)
            {
                if (step > LastStep)
                {
                    LastStep = step;
                    return AccountTestData.TotpCode(AuthenticatorKey, DateTimeOffset.FromUnixTimeSeconds(step * Totp.StepSeconds));
                }
            }
            Thread.Sleep(TimeSpan.FromSeconds(remaining + 1));
        }
        throw new InvalidOperationException("No TOTP step newer than the last one used.");
    }
}

/// <summary>
/// Test helpers for every portal test that needs a signed-in person (issue 12, shared with the other parts): create a
/// person with a code and an account, and sign a Playwright page in through the real pages.
/// </summary>
public static class PortalSignIn
{
    public const string DefaultPassword = "Lindenblüte im Mai 1987";

    /// <summary>A sign-in hashes a password (a tenth of a second by design) on a machine the tests share: waits get 30 s.</summary>
    private static readonly PageWaitForURLOptions Slow = new() { Timeout = 30_000 };

    /// <summary>30 s instead of 10 s for every later step of the page's browser context (see <see cref="Slow"/>).</summary>
    public static IPage Patient(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        page.Context.SetDefaultTimeout(30_000);
        return page;
    }

    /// <summary>
    /// Person <paramref name="n"/> (KVNR/card from TestData) with an active code and a complete account (password +
    /// authenticator app), made through the Core use cases the registration pages call. Fast; no browser.
    /// </summary>
    public static async Task<TestAccount> CreateAccountAsync(PortalHost host, int n, string? userName = null, string password = DefaultPassword)
    {
        ArgumentNullException.ThrowIfNull(host);
        var person = await AccountTestData.PersonWithCodeAsync(host.Services, host.Kasse.Id, n);
        return await CreateAccountAsync(host, person, userName ?? $"person{n}", password);
    }

    /// <summary>A complete account for an existing person with a known code (see <see cref="AccountTestData"/>).</summary>
    public static async Task<TestAccount> CreateAccountAsync(PortalHost host, CodedPerson person, string userName, string password = DefaultPassword)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(person);
        var context = new AuditContext(ActorKind.Client, "client:" + PortalClient.Name, Channel: "portal", SourceIp: "127.0.0.1");
        await using var scope = host.Scope();
        var register = scope.ServiceProvider.GetRequiredService<RegisterPortalAccount>();
        var request = register.ParseCodeInput(person.Kvnr, person.CardNumber, person.Code, "127.0.0.1");
        var ticket = (await register.VerifyCodeAsync(host.Kasse.Id, request.Value, context)).Value;
        ticket = (await register.SetCredentialsAsync(ticket, userName, password, password, context)).Value;
        var setup = (await register.AuthenticatorAsync(ticket, "Test", context)).Value;
        var account = new TestAccount(person, userName, password, setup.Key);
        var done = await register.CompleteWithAuthenticatorAsync(ticket, account.NextCode(), context);
        Assert.True(done.IsSuccess, done.Error?.ToString());
        return account;
    }

    /// <summary>
    /// Submits a form by clicking <paramref name="selector"/> (default: the first form's submit button) and waits until
    /// the answer to its POST — and a redirect after it — has loaded, so the next check sees the new page, not the old.
    /// </summary>
    public static async Task SubmitAsync(IPage page, string selector = "form[method=post] button[type=submit]")
    {
        Patient(page);
        // The document that ends the submission: the POST's own answer, or the page a redirect leads to.
        var landed = page.WaitForResponseAsync(r => r.Request.IsNavigationRequest && r.Request.ResourceType == "document" && r.Status is < 300 or >= 400,
            new PageWaitForResponseOptions { Timeout = 30_000 });
        await page.ClickAsync(selector);
        await landed;
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>Like <see cref="SubmitAsync"/>, with Enter in the focused field (the keyboard way).</summary>
    public static async Task PressEnterAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var landed = page.WaitForResponseAsync(r => r.Request.IsNavigationRequest && r.Request.ResourceType == "document" && r.Status is < 300 or >= 400);
        await page.Keyboard.PressAsync("Enter");
        await landed;
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>Signs the page in through /portal/anmelden and the code page; afterwards the page is signed in.</summary>
    public static async Task SignInAsync(IPage page, TestAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        Patient(page);
        await page.GotoAsync("/portal/anmelden");
        await page.FillAsync("#benutzername", account.UserName);
        await page.FillAsync("#passwort", account.Password);
        await page.ClickAsync("form[method=post] button[type=submit]");
        await page.WaitForURLAsync("**/portal/anmelden/code", Slow);
        await page.FillAsync("#totp", account.NextCode());
        await page.ClickAsync("form[method=post] button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/portal/anmelden", StringComparison.Ordinal), Slow);
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == Pforte.Portal.Accounts.PortalAccountsSetup.CookieName);
    }

    /// <summary>A new page of its own, signed in as a fresh account of person <paramref name="n"/>.</summary>
    public static async Task<(IPage Page, TestAccount Account)> SignedInPageAsync(Chromium chromium, PortalHost host, int n)
    {
        ArgumentNullException.ThrowIfNull(chromium);
        var account = await CreateAccountAsync(host, n);
        var page = await chromium.NewPageAsync(host);
        await SignInAsync(page, account);
        return (page, account);
    }

    /// <summary>
    /// The second factor again on the step-up page (<c>/portal/anmelden/bestaetigen</c>), when a
    /// <c>[RequiresStepUp]</c> page sent the browser there; returns to where it came from.
    /// </summary>
    /// <summary>
    /// Gives the second factor again right away (a sign-in does not count as step-up), so that the high-value pages
    /// a test visits next open without the detour; ends on the overview.
    /// </summary>
    public static async Task StepUpNowAsync(IPage page, TestAccount account)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/portal/anmelden/bestaetigen?returnUrl=%2Fportal%2Fuebersicht");
        await ConfirmStepUpAsync(page, account);
    }

    public static async Task ConfirmStepUpAsync(IPage page, TestAccount account)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(account);
        await page.WaitForURLAsync("**/portal/anmelden/bestaetigen**", Slow);
        await page.FillAsync("#totp", account.NextCode());
        await page.ClickAsync("form#app button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/portal/anmelden/bestaetigen", StringComparison.Ordinal), Slow);
    }

    /// <summary>
    /// A virtual authenticator in the page's browser (DevTools WebAuthn domain): a platform authenticator with
    /// resident keys and user verification that answers at once, as a phone with fingerprint would.
    /// </summary>
    public static async Task<ICDPSession> AddVirtualAuthenticatorAsync(IPage page) =>
        (await Pforte.Testing.Web.VirtualAuthenticator.AddAsync(Patient(page))).Session;

    /// <summary>Registration steps 1 and 2 through the pages (code, user name, password); the page is then on step 3.</summary>
    public static async Task RegisterUpToSecondFactorAsync(IPage page, CodedPerson person, string userName, string password = DefaultPassword)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(person);
        Patient(page);
        await page.GotoAsync("/portal/konto/anlegen");
        await page.FillAsync("#kvnr", person.Kvnr);
        await page.FillAsync("#karte", person.CardNumber);
        await page.FillAsync("#code", person.Code);
        await SubmitAsync(page);
        await page.WaitForURLAsync("**/portal/konto/zugangsdaten");
        await page.FillAsync("#benutzername", userName);
        await page.FillAsync("#passwort", password);
        await page.FillAsync("#passwort2", password);
        await SubmitAsync(page);
        await page.WaitForURLAsync("**/portal/konto/faktor");
    }
}
