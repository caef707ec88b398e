using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pforte.Core.Common;

namespace Pforte.Web.Hosting;

/// <summary>
/// OpenTelemetry traces over OTLP (issue 16): requests, database calls and background jobs. Off unless
/// <c>Pforte:Telemetry:OtlpEndpoint</c> is set. No personal data and no secret leaves in a span: every span is
/// reduced to an allowlist of attributes when it ends (<see cref="AllowlistProcessor"/>), request spans are named by
/// their route template (never the path, which may carry a KVNR), SQL text is not recorded, and error descriptions
/// (exception messages can quote values) are dropped — a test checks it with real requests.
/// </summary>
public static class Tracing
{
    public const string EndpointKey = "Pforte:Telemetry:OtlpEndpoint";
    public const string ServiceNameKey = "Pforte:Telemetry:ServiceName";

    public static IServiceCollection AddPforteTracing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoint = configuration[EndpointKey];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return services;
        }
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{EndpointKey} muss eine absolute http(s)-Adresse sein (z. B. http://otel-collector:4317).");
        }
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration[ServiceNameKey] is { Length: > 0 } name ? name : "pforte"))
            .WithTracing(tracing => tracing
                .AddSource(PforteTelemetry.SourceName)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.RecordException = false;
                    // Health checks and scrapes every second would drown the traces.
                    o.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
                        && !context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal);
                })
                .AddEntityFrameworkCoreInstrumentation() // its SQL text and (if switched on by the environment) parameters are removed below
                .AddProcessor(new AllowlistProcessor())
                .AddOtlpExporter(o => o.Endpoint = uri));
        return services;
    }

    /// <summary>Keeps only attributes that describe the operation, never its data.</summary>
    internal sealed class AllowlistProcessor : BaseProcessor<Activity>
    {
        private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
        {
            "http.request.method", "http.response.status_code", "http.route", "url.scheme", "network.protocol.version",
            "db.system", "db.system.name", "db.operation.name", "error.type", "pforte.job",
        };

        public override void OnEnd(Activity data)
        {
            ArgumentNullException.ThrowIfNull(data);
            foreach (var key in data.TagObjects.Select(t => t.Key).Where(k => !Allowed.Contains(k)).ToList())
            {
                data.SetTag(key, null);
            }
            if (data.Source.Name == "Microsoft.AspNetCore")
            {
                // "POST /api/v1/insured/{kvnr}": the template, not the path.
                data.DisplayName = $"{data.GetTagItem("http.request.method")} {data.GetTagItem("http.route")}".TrimEnd();
            }
            if (data.Status == ActivityStatusCode.Error)
            {
                data.SetStatus(ActivityStatusCode.Error); // without the description: an exception message may quote values
            }
        }
    }
}
