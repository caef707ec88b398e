using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Shell;

/// <summary>
/// One screen in one state, as the table of <see cref="ScreenStatesTests"/> lists it.
/// </summary>
/// <param name="Name">Names the row and its screenshots.</param>
/// <param name="Role">The role signed in (a fresh account), or null for the pages open without sign-in.</param>
/// <param name="Path">Where the state starts.</param>
/// <param name="MainAction">The selector of the main action the keyboard must reach.</param>
/// <param name="Then">What the main action leads to after Enter.</param>
/// <param name="Arrange">Brings the page into the state (after <paramref name="Path"/> is open), or null.</param>
/// <param name="Status">The HTTP status of <paramref name="Path"/>.</param>
/// <param name="Download">Enter starts a download (then <paramref name="Then"/> is not called).</param>
public sealed record Screen(
    string Name, string? Role, string Path, string MainAction, Func<IPage, Task> Then, Func<WorkspaceHost, IPage, Task>? Arrange = null, int Status = 200, bool Download = false);

/// <summary>
/// Every workspace screen × state in one table, on SQLite: axe clean at desktop width and at 320 px, a screenshot of
/// each (desktop and 320 px, into <c>$PFORTE_SCREENSHOTS</c>), no horizontal scrolling at 320 px, and at 320 px the main
/// action reached with Tab (the focus visible) and used with Enter. The flows that depend on the database (thread,
/// contact request, caller, counter, four eyes) have their own tests on both databases.
/// </summary>
public sealed class ScreenStatesTests(Chromium chromium, ScreenStatesTests.HostFixture fixture) : IClassFixture<ScreenStatesTests.HostFixture>
{
    private const string Submit = "main form button[type=submit]";
    private const string SkipLink = "a.pforte-skip";

    private static Func<IPage, Task> Shows(string selector) => page => Assertions.Expect(page.Locator(selector).First).ToBeVisibleAsync();

    private static Func<IPage, Task> GoesTo(string pattern) => page => page.WaitForURLAsync(new Regex(pattern));

    private static Func<IPage, Task> Leaves(string part) => page => page.WaitForURLAsync(url => !url.Contains(part, StringComparison.Ordinal));

    private static readonly Func<IPage, Task> ErrorShown = Shows(".pforte-error-summary, main .kern-error");

    private static readonly Func<IPage, Task> MainFocused = async page =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement && document.activeElement.id === 'inhalt'"), "the skip link leads to <main>");

    private static Func<WorkspaceHost, IPage, Task> Submitting(params (string Field, string Value)[] fields) => async (_, page) =>
    {
        foreach (var (field, value) in fields)
        {
            await page.FillAsync(field, value);
        }
        await page.ClickAsync(Submit);
        await ErrorShown(page);
    };

    private static async Task PasswordStepAsync(WorkspaceHost host, IPage page, bool withTotp)
    {
        var staff = await host.CreateStaffAsync([StaffRoles.Agent], withTotp);
        await page.GotoAsync("/arbeitsplatz/anmelden");
        await page.FillAsync("#benutzername", staff.UserName);
        await page.FillAsync("#passwort", staff.Password);
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await page.WaitForURLAsync(withTotp ? "**/arbeitsplatz/anmelden/code" : "**/arbeitsplatz/anmelden/einrichten");
    }

    private static readonly Screen[] Table =
    [
        // Sign-in (no session yet).
        new("sign-in", null, "/arbeitsplatz/anmelden", Submit, ErrorShown),
        new("sign-in-error", null, "/arbeitsplatz/anmelden", Submit, ErrorShown, Submitting(("#benutzername", "gibt.es.nicht"), ("#passwort", "falsch-falsch-falsch"))),
        new("sign-in-signed-out", null, "/arbeitsplatz/anmelden?abgemeldet=true", Submit, ErrorShown),
        new("sign-in-code", null, "/arbeitsplatz/anmelden", Submit, Shows("#totp-fehler"), (h, p) => PasswordStepAsync(h, p, withTotp: true)),
        new("sign-in-code-error", null, "/arbeitsplatz/anmelden", Submit, Shows("#totp-fehler"), async (h, p) =>
        {
            await PasswordStepAsync(h, p, withTotp: true);
            await Submitting(("#totp", "12345"))(h, p);
        }),
        new("totp-setup", null, "/arbeitsplatz/anmelden", Submit, ErrorShown, (h, p) => PasswordStepAsync(h, p, withTotp: false)),
        new("totp-setup-error", null, "/arbeitsplatz/anmelden", Submit, ErrorShown, async (h, p) =>
        {
            await PasswordStepAsync(h, p, withTotp: false);
            await Submitting(("#totp", "000000"))(h, p);
        }),

        // Shell.
        new("home-agent", StaffRoles.Agent, "/arbeitsplatz", "main a[href='/arbeitsplatz/anrufer']", GoesTo("/arbeitsplatz/anrufer")),
        new("account", StaffRoles.Agent, "/arbeitsplatz/konto", "#ueberall-abmelden", GoesTo("/arbeitsplatz/anmelden")),
        new("sign-out", StaffRoles.Counter, "/arbeitsplatz/schalter", "form.pforte-signout button", GoesTo("/arbeitsplatz/anmelden\\?abgemeldet=true")),
        new("403", StaffRoles.Agent, "/arbeitsplatz/verwaltung/mitarbeitende", "main a.kern-link", Leaves("/verwaltung/"), Status: 403),
        new("404", StaffRoles.Agent, "/arbeitsplatz/gibt-es-nicht", "main a[href='/arbeitsplatz']", Leaves("/gibt-es-nicht"), Status: 404),

        // Agent, counter, supervisor (empty states and validation errors).
        new("caller-empty", StaffRoles.Agent, "/arbeitsplatz/anrufer", "form[action*='handler=Search'] button[type=submit]", ErrorShown),
        new("caller-search-error", StaffRoles.Agent, "/arbeitsplatz/anrufer", "form[action*='handler=Search'] button[type=submit]", ErrorShown, async (_, p) =>
        {
            await p.ClickAsync("form[action*='handler=Search'] button[type=submit]");
            await ErrorShown(p);
        }),
        new("caller-no-hits", StaffRoles.Agent, "/arbeitsplatz/anrufer", "form[action*='handler=Search'] button[type=submit]", Shows("#treffer"), async (_, p) =>
        {
            await p.FillAsync("#suche-kvnr", "A123456780");
            await p.ClickAsync("form[action*='handler=Search'] button[type=submit]");
            await Assertions.Expect(p.Locator("#treffer")).ToBeVisibleAsync();
        }),
        new("caller-waiting", StaffRoles.Agent, "/arbeitsplatz/anrufer?call=call-320", "#screen-pop a.kern-btn", Shows("#screen-pop-status")),
        new("counter-empty", StaffRoles.Counter, "/arbeitsplatz/schalter", "form[action*='handler=Search'] button[type=submit]", ErrorShown),
        new("approvals-empty", StaffRoles.Supervisor, "/arbeitsplatz/freigaben", SkipLink, MainFocused),

        // Back office.
        new("mailbox-empty", StaffRoles.BackOffice, "/arbeitsplatz/backoffice/postfach", Submit, GoesTo("thema=")),
        new("mailbox-status-error", StaffRoles.BackOffice, "/arbeitsplatz/backoffice/postfach?status=kaputt", Submit, GoesTo("thema=")),
        new("contact-empty", StaffRoles.BackOffice, "/arbeitsplatz/backoffice/kontaktformular", Submit, GoesTo("status=open")),
        new("samples", StaffRoles.BackOffice, "/arbeitsplatz/backoffice/musterbriefe", "main a[download]", _ => Task.CompletedTask, Download: true),
        new("returned", StaffRoles.BackOffice, "/arbeitsplatz/backoffice/ruecklaeufer", Submit, ErrorShown),
        new("returned-error", StaffRoles.BackOffice, "/arbeitsplatz/backoffice/ruecklaeufer", Submit, ErrorShown, Submitting(("#briefnummer", "12345"))),
        new("batch", StaffRoles.BackOffice, "/arbeitsplatz/backoffice/stapel", Submit, ErrorShown),
        new("batch-error", StaffRoles.BackOffice, "/arbeitsplatz/backoffice/stapel", Submit, ErrorShown, Submitting(("#stapelnummer", "kein-stapel"))),

        // Auditor.
        new("audit-search", StaffRoles.Auditor, "/arbeitsplatz/pruefung/suche", Submit, Shows("#ergebnisse")),
        new("audit-search-error", StaffRoles.Auditor, "/arbeitsplatz/pruefung/suche?suchen=1&von=gestern", Submit, Shows("#ergebnisse"), (_, p) => ErrorShown(p)),
        new("audit-chain", StaffRoles.Auditor, "/arbeitsplatz/pruefung/kette", "main a.kern-btn", GoesTo("pruefen=1")),
        new("audit-alarms", StaffRoles.Auditor, "/arbeitsplatz/pruefung/alarme", SkipLink, MainFocused),

        // Admin.
        new("admin-staff", StaffRoles.Admin, "/arbeitsplatz/verwaltung/mitarbeitende", Submit, ErrorShown),
        new("admin-staff-error", StaffRoles.Admin, "/arbeitsplatz/verwaltung/mitarbeitende", Submit, ErrorShown, Submitting()),
        new("admin-clients", StaffRoles.Admin, "/arbeitsplatz/verwaltung/zugaenge", Submit, ErrorShown),
        new("admin-clients-error", StaffRoles.Admin, "/arbeitsplatz/verwaltung/zugaenge", Submit, ErrorShown, Submitting()),
        new("admin-channels", StaffRoles.Admin, "/arbeitsplatz/verwaltung/kanaele", SkipLink, MainFocused),
        new("admin-branches-empty", StaffRoles.Admin, "/arbeitsplatz/verwaltung/beratungscenter", Submit, ErrorShown),
        new("admin-branches-error", StaffRoles.Admin, "/arbeitsplatz/verwaltung/beratungscenter", Submit, ErrorShown, Submitting()),
    ];

    public static TheoryData<string> Screens => [.. Table.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Screen_is_axe_clean_fits_320_px_and_its_main_action_works_by_keyboard(string name)
    {
        var screen = Table.Single(s => s.Name == name);
        var host = await fixture.HostAsync(chromium);
        var page = await host.NewPageAsync();
        try
        {
            if (screen.Role is { } role)
            {
                await host.SignInAsync(page, role);
            }
            var response = await page.GotoAsync(screen.Path);
            Assert.Equal(screen.Status, response!.Status);
            if (screen.Arrange is { } arrange)
            {
                await arrange(host, page);
            }
            await PageChecks.AssertGoodAsync(page, "ws-screen-" + screen.Name);
            await PageChecks.AssertNarrowAsync(page, screen.Name);
            if (screen.Download)
            {
                var download = await page.RunAndWaitForDownloadAsync(() => PageChecks.TabAndEnterAsync(page, screen.MainAction));
                Assert.NotNull(await download.PathAsync());
            }
            else
            {
                await PageChecks.TabAndEnterAsync(page, screen.MainAction);
                await screen.Then(page);
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>One SQLite host for the whole table (started by the first row).</summary>
    public sealed class HostFixture : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private WorkspaceHost? _host;

        public async Task<WorkspaceHost> HostAsync(Chromium chromium)
        {
            await _gate.WaitAsync();
            try
            {
                // One host serves all rows, each signing in (two POSTs): the per-IP sign-in limit (20 a minute, tested in the
                // portal's tests) would refuse the later rows with 429, so it is raised for this host.
                return _host ??= await WorkspaceHost.StartAsync(chromium, "sqlite", new Dictionary<string, string?> { ["Pforte:Portal:RateLimits:Factor"] = "100" });
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
            _gate.Dispose();
        }
    }
}
