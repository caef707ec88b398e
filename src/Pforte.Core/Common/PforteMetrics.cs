using System.Diagnostics.Metrics;

namespace Pforte.Core.Common;

/// <summary>
/// The meter for Pforte's own metrics (exported at /metrics by the web host). Singletons without dependency
/// injection (the group-commit queues) create their instruments on <see cref="Meter"/>; services that get an
/// <see cref="IMeterFactory"/> create a meter of the same name.
/// </summary>
public static class PforteMetrics
{
    public const string MeterName = "Pforte";

    public static readonly Meter Meter = new(MeterName);
}
