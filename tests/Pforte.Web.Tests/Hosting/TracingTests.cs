using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Pforte.Testing;
using Pforte.Web.Hosting;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Hosting;

/// <summary>OpenTelemetry traces (issue 16): off unless configured; when on, no personal data or secret in any span.</summary>
public sealed class TracingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Spans_of_requests_database_calls_and_jobs_carry_no_personal_data_or_secret(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?>
        {
            // Nothing listens there: the OTLP exporter drops its batches; the in-memory exporter of the test sees the spans.
            [Tracing.EndpointKey] = "http://127.0.0.1:9",
            ["Pforte:Jobs:Enabled"] = "true",
        });
        var (person, code) = await h.PersonWithCodeAsync();
        var wrong = code == "7405" ? "8052" : "7405";
        await h.VerifyAsync(MachineAuthHarness.Body(person, code));
        await h.VerifyAsync(MachineAuthHarness.Body(person, wrong));
        await h.CodeStatusAsync(person); // the KVNR in the path
        (await h.Staff.GetAsync($"/api/v1/insured/{person.Kvnr}?code={code}&card={person.Card}", Ct)).Dispose();
        for (var i = 0; i < 100 && !h.Factory.Spans.ToArray().Any(s => s.DisplayName == "job tick"); i++)
        {
            await Task.Delay(100, Ct);
        }
        h.Factory.Services.GetRequiredService<TracerProvider>().ForceFlush();
        var spans = h.Factory.Spans.ToArray();

        Assert.Contains(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.DisplayName == "POST /api/v1/machine-auth/verify");
        Assert.Contains(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.DisplayName.StartsWith("GET /api/v1/insured/{kvnr}", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.DisplayName == "job tick" && (string?)s.GetTagItem("pforte.job") == "tick");
        var text = string.Join('\n', spans.Select(Describe));
        Assert.DoesNotContain(person.Kvnr, text, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Card, text, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex($"(?<![0-9]){code}(?![0-9])"), text);
        Assert.DoesNotMatch(new Regex($"(?<![0-9]){wrong}(?![0-9])"), text);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pf_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SELECT", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_an_endpoint_there_is_no_tracing_at_all()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite");
        (await factory.CreateClient().GetAsync("/health/live", Ct)).Dispose();
        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Empty(factory.Spans);
    }

    [Fact]
    public async Task An_endpoint_that_is_no_http_address_stops_the_start_with_a_sentence()
    {
        await using var factory = await PforteWebFactory.CreateAsync("sqlite", new Dictionary<string, string?> { [Tracing.EndpointKey] = "otel-collector:4317" });
        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains(Tracing.EndpointKey, error.Message, StringComparison.Ordinal);
    }

    private static string Describe(Activity s) =>
        $"{s.DisplayName} | {s.StatusDescription} | {string.Join(' ', s.TagObjects.Select(t => $"{t.Key}={t.Value}"))} | " +
        string.Join(' ', s.Events.Select(e => e.Name + " " + string.Join(' ', e.Tags.Select(t => $"{t.Key}={t.Value}")))) + " | " +
        string.Join(' ', s.Baggage.Select(b => $"{b.Key}={b.Value}"));
}
