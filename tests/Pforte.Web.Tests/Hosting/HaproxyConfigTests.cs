using System.Diagnostics;
using System.Text.Json;

namespace Pforte.Web.Tests.Hosting;

/// <summary>
/// The load balancer's shipped parts (issue 16): the cluster configuration passes <c>haproxy -c</c>, and every answer
/// HAProxy gives on its own (no node ready, a node dying mid-request, a timeout) is a problem detail with a code of
/// docs/errors.md, as the nodes' own answers are.
/// </summary>
public sealed class HaproxyConfigTests
{
    private static string Errors => Path.Combine(Repository.Root, "ops", "haproxy");

    [Fact]
    public async Task The_cluster_configuration_is_valid_for_haproxy()
    {
        var config = (await File.ReadAllTextAsync(Path.Combine(Repository.Root, "bench", "cluster", "haproxy.cfg"), TestContext.Current.CancellationToken))
            .Replace("@LB_PORT@", "5300", StringComparison.Ordinal).Replace("@STATS_PORT@", "5350", StringComparison.Ordinal)
            .Replace("@N0@", "5301", StringComparison.Ordinal).Replace("@N1@", "5302", StringComparison.Ordinal).Replace("@N2@", "5303", StringComparison.Ordinal)
            .Replace("@ERRORS@", Errors, StringComparison.Ordinal);
        var file = Path.Combine(Path.GetTempPath(), $"pforte-haproxy-{Guid.NewGuid():N}.cfg");
        await File.WriteAllTextAsync(file, config, TestContext.Current.CancellationToken);
        try
        {
            var psi = new ProcessStartInfo("haproxy", ["-c", "-f", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(psi)!;
            var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)
                + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == 0, output);
            Assert.Contains("valid", output, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("502")]
    [InlineData("503")]
    [InlineData("504")]
    public void HAProxys_own_answers_are_problem_details_with_a_known_code(string status)
    {
        var raw = File.ReadAllText(Path.Combine(Errors, status + ".http"));
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, "headers and body are separated by an empty CRLF line");
        var head = raw[..split];
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(raw[(split + 4)..]).RootElement;
        Assert.Equal(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("status").GetInt32());
        var code = problem.GetProperty("code").GetString()!;
        Assert.Equal("https://pforte.example/errors/" + code, problem.GetProperty("type").GetString());
        Assert.Contains($"`{code}`", File.ReadAllText(Path.Combine(Repository.Root, "docs", "errors.md")), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }
}
