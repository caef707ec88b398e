using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Web.Hosting;

/// <summary>
/// Endpoints for operations: liveness, readiness and Prometheus metrics. They are anonymous so that orchestrators
/// and Prometheus need no API key; /metrics is meant for the internal network only and must not be published
/// through the reverse proxy (it shows request rates and paths, never persons).
/// </summary>
public static class Operations
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddPforteOperations(this IServiceCollection services)
    {
        services.AddHealthChecks().AddDbContextCheck<PforteDbContext>("database", tags: [ReadyTag]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter(PforteMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }

    public static WebApplication MapPforteOperations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Live: the process answers; no dependency is checked, so a database outage never restarts the web nodes.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        // Ready: the database answers; 503 takes the node out of the load balancer until it does.
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
