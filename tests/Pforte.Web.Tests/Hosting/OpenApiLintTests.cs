using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Pforte.Web.Tests.Hosting;

/// <summary>
/// Lints the live OpenAPI document with Spectral and the repository's ruleset (tools/lint/.spectral.yaml: spectral:oas
/// plus Pforte's rules). Spectral is pinned in tools/lint/package-lock.json; scripts/test.sh installs it (npm ci).
/// </summary>
public sealed class OpenApiLintTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_live_document_passes_the_ruleset()
    {
        var document = await LiveDocumentAsync();

        var (exitCode, output) = await LintAsync(document);

        Assert.True(exitCode == 0, $"Spectral found problems in /openapi/v1.json:\n{output}");
    }

    /// <summary>The ruleset bites: a snake_case property, an open request body and an error without problem details each fail.</summary>
    [Fact]
    public async Task The_ruleset_refuses_what_the_contract_forbids()
    {
        var document = await LiveDocumentAsync();
        var body = document["components"]!["schemas"]!["OutboundBody"]!.AsObject();
        body["properties"]!.AsObject()["contains_personal_data"] = new JsonObject { ["type"] = "boolean" };
        body["additionalProperties"] = true;
        var badRequest = document["paths"]!["/api/v1/outbound/release"]!["post"]!["responses"]!["400"]!.AsObject();
        badRequest["content"] = new JsonObject { ["application/json"] = new JsonObject() };

        var (exitCode, output) = await LintAsync(document);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("pforte-properties-camel-case", output, StringComparison.Ordinal);
        Assert.Contains("pforte-request-body-closed", output, StringComparison.Ordinal);
        Assert.Contains("pforte-problem-media-type", output, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> LiveDocumentAsync()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        return (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json", Ct))!;
    }

    private static async Task<(int ExitCode, string Output)> LintAsync(JsonObject document)
    {
        var lint = Path.Combine(Repository.Root, "tools", "lint");
        var spectral = Path.Combine(lint, "node_modules", "@stoplight", "spectral-cli", "dist", "index.js");
        Assert.True(File.Exists(spectral), $"Spectral is not installed: run 'npm ci --ignore-scripts' in {lint} (scripts/test.sh does).");
        var file = Path.Combine(Path.GetTempPath(), $"pforte-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document.ToJsonString(), Ct);
        try
        {
            var start = new ProcessStartInfo("node", [spectral, "lint", file, "--ruleset", Path.Combine(lint, ".spectral.yaml"), "--fail-severity", "warn", "--format", "text"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = lint,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(Ct);
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>The repository's root folder (the one holding Pforte.slnx), found from the test's output folder.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pforte.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Pforte.slnx not found above " + AppContext.BaseDirectory);
    }
}
