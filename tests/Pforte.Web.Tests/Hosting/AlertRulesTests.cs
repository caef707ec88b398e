using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Common;
using Pforte.Testing;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Hosting;

/// <summary>
/// The shipped Prometheus alert rules and Grafana dashboard (ops/, docs/operations.md): valid for promtool, each
/// alert fires in promtool's unit tests, and every Pforte metric they use is really exported at /metrics.
/// </summary>
public sealed partial class AlertRulesTests
{
    private static string Ops => Path.Combine(Repository.Root, "ops");

    [Fact]
    public async Task Promtool_accepts_the_rules_and_their_unit_tests_pass()
    {
        var check = await PromtoolAsync("check", "rules", "pforte-alerts.yml");
        Assert.True(check.Exit == 0, check.Output);
        Assert.Contains("SUCCESS: 9 rules found", check.Output, StringComparison.Ordinal);
        var test = await PromtoolAsync("test", "rules", "pforte-alerts.test.yml");
        Assert.True(test.Exit == 0, test.Output);
        Assert.Contains("SUCCESS", test.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_pforte_metric_of_the_rules_and_the_dashboard_is_exported()
    {
        await using var h = await MachineAuthHarness.CreateAsync("sqlite");
        // A lock (three wrong codes), and the monitor's reading, so that the counters and gauges have values.
        var (person, code) = await h.PersonWithCodeAsync();
        var wrong = code == "7405" ? "8052" : "7405";
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(person, wrong))).StatusCode);
        }
        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OperationsMonitor>().RefreshAsync(TestContext.Current.CancellationToken);
        }
        var metrics = await h.Factory.CreateClient().GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var exported = metrics.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => MetricName().Match(l).Value).ToHashSet(StringComparer.Ordinal);

        var used = new[] { Path.Combine(Ops, "prometheus", "pforte-alerts.yml"), Path.Combine(Ops, "grafana", "pforte-dashboard.json") }
            .SelectMany(f => PforteMetric().Matches(File.ReadAllText(f)).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("pforte_machine_auth_locks_total", used);
        Assert.Contains("pforte_keys_readable", used);
        Assert.All(used, name => Assert.True(exported.Contains(name) || exported.Any(e => e.StartsWith(name + "_", StringComparison.Ordinal)),
            $"{name} is used by the rules or the dashboard but not exported"));
        Assert.Matches("(?m)^pforte_machine_auth_locks_total(\\{[^}]*\\})? 1( |$)", metrics);
    }

    private static async Task<(int Exit, string Output)> PromtoolAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("promtool", args) { WorkingDirectory = Path.Combine(Ops, "prometheus"), RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, output + error);
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex MetricName();

    [GeneratedRegex("pforte_[a-z_]+")]
    private static partial Regex PforteMetric();
}
