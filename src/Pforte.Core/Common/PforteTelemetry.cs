using System.Diagnostics;

namespace Pforte.Core.Common;

/// <summary>
/// Pforte's own trace spans (background jobs, batch workers). Exported only when the web host's tracing is configured
/// (<c>Pforte:Telemetry:OtlpEndpoint</c>); span names and tags name jobs and kinds, never a person, a KVNR or a code.
/// </summary>
public static class PforteTelemetry
{
    public const string SourceName = "Pforte";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span for one run of a background job (<c>job &lt;name&gt;</c>, tag <c>pforte.job</c>); null when nobody listens.</summary>
    public static Activity? StartJob(string job)
    {
        var activity = Source.StartActivity("job " + job);
        activity?.SetTag("pforte.job", job);
        return activity;
    }
}
