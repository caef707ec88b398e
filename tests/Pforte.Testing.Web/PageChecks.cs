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
