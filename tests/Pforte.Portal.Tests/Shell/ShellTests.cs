using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Testing;

namespace Pforte.Portal.Tests.Shell;

/// <summary>The portal's frame: start page, error pages, headers, surfaces, the Kasse's look, keyboard.</summary>
public sealed class ShellTests(Chromium chromium)
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Start_page_names_the_kasse_and_passes_axe_at_every_width(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var page = await chromium.NewPageAsync(host);
        var response = await page.GotoAsync("/portal");
        Assert.Equal(200, response!.Status);
        Assert.Equal("de", await page.GetAttributeAsync("html", "lang"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Willkommen bei „Meine Kasse“");
        await Assertions.Expect(page.Locator(".pforte-brand__name")).ToHaveTextAsync(host.Kasse.Name);
        // KERN's style sheet and its font really load (not a 404 the page would survive).
        var font = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('h1')).fontFamily");
        Assert.Contains("Fira Sans", font, StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"start-{provider}");
    }

    [Fact]
    public async Task Unknown_portal_address_answers_a_german_404_page_not_the_api_problem()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var page = await chromium.NewPageAsync(host);
        var response = await page.GotoAsync("/portal/gibt-es-nicht");
        Assert.Equal(404, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Seite nicht gefunden");
        await PageChecks.AssertGoodAsync(page, "not-found");

        // The error page itself, asked for directly, is not a page of its own.
        var direct = await page.GotoAsync("/portal/fehler/500");
        Assert.Equal(404, direct!.Status);

        // The API keeps its problem details.
        using var client = host.CreateClient();
        var api = await client.GetAsync(new Uri("/api/v1/gibt-es-nicht", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Portal_pages_carry_a_strict_content_security_policy_and_no_framing()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        using var client = host.CreateClient();
        var first = await client.GetAsync(new Uri("/portal", UriKind.Relative));
        var second = await client.GetAsync(new Uri("/portal", UriKind.Relative));
        var csp = first.Headers.GetValues("Content-Security-Policy").Single();
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.Matches("script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'", csp);
        // A fresh nonce per answer.
        Assert.NotEqual(csp, second.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", first.Headers.GetValues("X-Frame-Options").Single());
        // Not stored, and the same value antiforgery wants on a page with a form (otherwise it overrides it and logs a warning per page).
        Assert.True(first.Headers.CacheControl is { NoStore: true, NoCache: true }, first.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", first.Headers.GetValues("X-Content-Type-Options").Single());

        // The browser agrees: no CSP violation is reported while the page loads.
        var page = await chromium.NewPageAsync(host);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                violations.Add(message.Text);
            }
        };
        await page.GotoAsync("/portal");
        Assert.Empty(violations);
    }

    [Fact]
    public async Task Plain_http_reaches_the_portal_only_from_this_machine_and_cookies_are_secure_over_https()
    {
        // A proxy on this machine forwards requests of other machines (Pforte:ForwardedHeaders:KnownProxies).
        await using var host = await PortalHost.StartAsync("sqlite", new Dictionary<string, string?> { ["Pforte:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(host.BaseUrl) };

        // Straight from this machine over plain HTTP (developer, tests, benchmark): served, cookies without Secure.
        var local = await http.GetAsync(new Uri("/portal/anmelden", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.All(local.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));

        // Another machine over plain HTTP: a GET goes to HTTPS, a POST is refused before anything is read.
        using var plainGet = new HttpRequestMessage(HttpMethod.Get, "/portal/anmelden?x=1");
        plainGet.Headers.Add("X-Forwarded-For", "203.0.113.5");
        var redirected = await http.SendAsync(plainGet);
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal($"https://localhost/portal/anmelden?x=1", redirected.Headers.Location!.ToString());
        Assert.False(redirected.Headers.Contains("Set-Cookie"));
        using var plainPost = new HttpRequestMessage(HttpMethod.Post, "/portal/anmelden") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "x", ["Password"] = "y" }) };
        plainPost.Headers.Add("X-Forwarded-For", "203.0.113.5");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(plainPost)).StatusCode);

        // Another machine over HTTPS (terminated by the proxy): served, every cookie Secure.
        using var viaTls = new HttpRequestMessage(HttpMethod.Get, "/portal/anmelden");
        viaTls.Headers.Add("X-Forwarded-For", "203.0.113.5");
        viaTls.Headers.Add("X-Forwarded-Proto", "https");
        var secure = await http.SendAsync(viaTls);
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        var cookies = secure.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));

        // Forwarded headers from an address that is not a known proxy are ignored: no claiming HTTPS.
        await using var noProxy = await PortalHost.StartAsync("sqlite");
        using var direct = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(noProxy.BaseUrl) };
        using var claimed = new HttpRequestMessage(HttpMethod.Get, "/portal/anmelden");
        claimed.Headers.Add("X-Forwarded-Proto", "https");
        var answer = await direct.SendAsync(claimed);
        Assert.All(answer.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_node_serves_only_the_surfaces_it_is_configured_for()
    {
        await using (var portalOnly = await PortalHost.StartAsync("sqlite", new Dictionary<string, string?> { ["Pforte:Surfaces:Api"] = "false" }))
        {
            using var client = portalOnly.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/portal", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/v1/insured/X", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        }
        await using var apiOnly = await PortalHost.StartAsync("sqlite", new Dictionary<string, string?> { ["Pforte:Surfaces:Portal"] = "false" });
        using var api = apiOnly.CreateClient();
        var portal = await api.GetAsync(new Uri("/portal", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, portal.StatusCode);
        Assert.Equal("application/problem+json", portal.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_kasse_brand_colour_and_logo_come_from_its_record(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        await using (var scope = host.Scope())
        {
            var branding = scope.ServiceProvider.GetRequiredService<KasseBranding>();
            var tooLight = await branding.ExecuteAsync(host.Kasse.Ik, "#FFD700", null, AuditContext.System("test"));
            Assert.Equal(ErrorCodes.KasseBrandColorContrast, tooLight.Error!.Code);
            var notPng = await branding.ExecuteAsync(host.Kasse.Ik, null, "GIF89a......"u8.ToArray(), AuditContext.System("test"));
            Assert.Equal(ErrorCodes.KasseLogoInvalid, notPng.Error!.Code);
            var set = await branding.ExecuteAsync(host.Kasse.Ik, "#00529b", TinyPng, AuditContext.System("test"));
            Assert.True(set.IsSuccess);
        }
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.pforte-header')).backgroundColor");
        Assert.Equal("rgb(0, 82, 155)", background);
        var logo = page.Locator("img.pforte-brand__logo");
        await Assertions.Expect(logo).ToHaveCountAsync(1);
        Assert.True(await logo.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the logo loads");
        await PageChecks.AssertGoodAsync(page, $"start-branded-{provider}");
    }

    [Fact]
    public async Task Keyboard_users_skip_to_the_content_first()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator(":focus")).ToHaveTextAsync("Zum Inhalt springen");
        await Assertions.Expect(page.Locator(":focus")).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.EndsWith("#inhalt", page.Url, StringComparison.Ordinal);
        await PageChecks.TabToAsync(page, "a[href='/portal/anmelden']");
    }

    [Fact]
    public void Every_text_key_a_page_uses_exists()
    {
        var root = RepositoryRoot();
        var used = new Regex("Texts\\.(?<set>[A-Za-z]+)(?:\\[\"(?<key>[^\"]+)\"\\]|\\.Format\\(\"(?<key>[^\"]+)\")");
        var sets = typeof(Texts).GetFields().Where(f => f.FieldType == typeof(TextSet)).ToDictionary(f => f.Name, f => (TextSet)f.GetValue(null)!);
        var missing = new List<string>();
        var files = Directory.EnumerateFiles(Path.Combine(root, "src", "Pforte.Portal"), "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal));
        var count = 0;
        foreach (var file in files)
        {
            foreach (Match m in used.Matches(File.ReadAllText(file)))
            {
                count++;
                var set = m.Groups["set"].Value;
                if (!sets.TryGetValue(set, out var texts) || !texts.Keys().Contains(m.Groups["key"].Value))
                {
                    missing.Add($"{Path.GetFileName(file)}: {set}[\"{m.Groups["key"].Value}\"]");
                }
            }
        }
        Assert.True(count > 10, "the scan finds the keys the pages use");
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_text_is_written_down_once()
    {
        // A duplicate name only warns at build time and the first text wins: a merged or corrected text would never show.
        var duplicates = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "Pforte.Portal", "Resources"), "*.resx")
            .SelectMany(file => Regex.Matches(File.ReadAllText(file), "<data name=\"([^\"]+)\"").Select(m => Path.GetFileName(file) + ": " + m.Groups[1].Value))
            .GroupBy(x => x, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pforte.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Pforte.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A 1×1 PNG.</summary>
    private static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

}
