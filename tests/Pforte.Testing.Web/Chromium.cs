using Microsoft.Playwright;
using Xunit;

namespace Pforte.Testing.Web;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium), driven by Playwright — nothing is downloaded. One browser for the test
/// run (each test assembly names it: <c>[assembly: AssemblyFixture(typeof(Chromium))]</c>); every test gets its own context (cookies, storage) from <see cref="NewPageAsync"/>.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium (scripts/test.sh does).");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A page in a context of its own, at desktop width, German, with a 10 s default timeout.</summary>
    public async Task<IPage> NewPageAsync(PforteHost host, int width = 1280, int height = 900)
    {
        ArgumentNullException.ThrowIfNull(host);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseUrl,
            Locale = "de-DE",
            TimezoneId = "Europe/Berlin",
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        // 30 s: in CI the browser tests run beside the other projects on two cores, and a sign-in pays for deliberately
        // slow password hashing; 10 s timed out there once (a real hang still fails).
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
