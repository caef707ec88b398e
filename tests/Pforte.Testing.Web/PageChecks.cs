using System.Globalization;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

using Xunit;

namespace Pforte.Testing.Web;

/// <summary>
/// What every page and every state of it must pass: axe-core with the WCAG 2.1 A and AA rules (0 violations), no
/// horizontal scrolling at 320 px width (WCAG 1.4.10 Reflow), and a screenshot (desktop and 320 px) into the run's
/// screenshot folder (<see cref="ScreenshotFolder"/>).
/// </summary>
public static class PageChecks
{
    public const string ScreenshotFolderVariable = "PFORTE_SCREENSHOTS";

    /// <summary>
    /// Where this run's screenshots go: <c>PFORTE_SCREENSHOTS</c> if set (scripts/test.sh names one per run),
    /// else <c>TestResults/screenshots/&lt;start time&gt;</c> beside the test assembly.
    /// </summary>
    public static readonly string ScreenshotFolder = Environment.GetEnvironmentVariable(ScreenshotFolderVariable) is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    private static readonly AxeRunOptions Wcag21AA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    /// <summary>Runs all checks on the page as it is now; <paramref name="name"/> names the screenshots (unique per state).</summary>
    public static async Task AssertGoodAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        await AssertAccessibleAsync(page, name);
        var viewport = page.ViewportSize ?? new PageViewportSizeResult { Width = 1280, Height = 900 };
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
        try
        {
            await page.SetViewportSizeAsync(320, 640);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + "-320.png"), FullPage = true });
            Assert.True(overflow <= 0, $"{name}: at 320 px the page scrolls horizontally by {overflow} px ({page.Url}).");
            await AssertAccessibleAsync(page, name + " at 320 px");
        }
        finally
        {
            await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
        }
    }

    /// <summary>axe-core, WCAG 2.1 A/AA: fails with every violation, its rule, help and the elements it found.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var result = await page.RunAxe(Wcag21AA);
        if (result.Violations.Length == 0)
        {
            return;
        }
        var report = new StringBuilder().Append(name).Append(": ").Append(result.Violations.Length).Append(" axe violation(s) on ").AppendLine(page.Url);
        foreach (var violation in result.Violations)
        {
            report.Append("- ").Append(violation.Id).Append(" (").Append(violation.Impact).Append("): ").AppendLine(violation.Help);
            foreach (var node in violation.Nodes.Take(5))
            {
                report.Append("    ").Append(node.Target).Append(" — ").AppendLine(node.Html);
            }
        }
        Assert.Fail(report.ToString());
    }

    /// <summary>
    /// At 320 px width the document is no wider than the viewport: <c>document.documentElement.scrollWidth &lt;= 320</c>
    /// (WCAG 1.4.10 Reflow). Leaves the viewport at 320 × 640.
    /// </summary>
    public static async Task AssertNarrowAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.SetViewportSizeAsync(320, 640);
        var width = await page.EvaluateAsync<int>("() => Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0)");
        Assert.True(width <= 320, $"{name}: at 320 px the document is {width} px wide ({page.Url}).");
    }

    /// <summary>
    /// The keyboard path to the page's main action: from the top of the page, Tab until <paramref name="selector"/> has
    /// the focus, which must be visible (an outline or a focus ring), then Enter.
    /// </summary>
    public static async Task TabAndEnterAsync(IPage page, string selector, int maxTabs = 60)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.EvaluateAsync("() => { const b = document.body; b.setAttribute('tabindex', '-1'); b.focus(); b.removeAttribute('tabindex'); window.scrollTo(0, 0); }");
        await TabToAsync(page, selector, maxTabs);
        await AssertFocusVisibleAsync(page);
        await page.Keyboard.PressAsync("Enter");
    }

    /// <summary>The element that has the focus shows it: it matches <c>:focus-visible</c> and has an outline or a box shadow.</summary>
    public static async Task AssertFocusVisibleAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var problem = await page.EvaluateAsync<string>("""
            () => {
                const e = document.activeElement;
                if (!e || e === document.body) return 'nothing has the focus';
                if (!e.matches(':focus-visible')) return 'not :focus-visible: ' + e.outerHTML.slice(0, 160);
                const s = getComputedStyle(e);
                const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
                const ring = s.boxShadow && s.boxShadow !== 'none';
                return outline || ring ? '' : 'no outline or focus ring: ' + e.outerHTML.slice(0, 160);
            }
            """);
        Assert.True(problem.Length == 0, $"Focus not visible on {page.Url}: {problem}");
    }

    /// <summary>Presses Tab until the element matching <paramref name="selector"/> has the focus (at most <paramref name="maxTabs"/> times).</summary>
    public static async Task TabToAsync(IPage page, string selector, int maxTabs = 40)
    {
        ArgumentNullException.ThrowIfNull(page);
        for (var i = 0; i < maxTabs; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement && document.activeElement.matches(s)", selector))
            {
                return;
            }
        }
        Assert.Fail($"{selector} was not reached with {maxTabs} presses of Tab on {page.Url}.");
    }
}
