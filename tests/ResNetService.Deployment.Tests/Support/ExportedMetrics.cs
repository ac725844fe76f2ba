using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The series names the service's own instruments get at /metrics, from the instruments the code declares (a counter
/// that has not counted yet is not in a scrape, but an alert on it is still right): OpenTelemetry's Prometheus exporter
/// turns dots into underscores, appends the unit's word (s: seconds, By: bytes; a {count} unit adds nothing), then
/// _total for a counter and _bucket, _sum and _count for a histogram. The Api tests' scrapes pin the names it renders.
/// </summary>
public static class ExportedMetrics
{
    public static IReadOnlySet<string> Names { get; } = Collect();

    /// <summary>The service's metric names a PromQL expression mentions (any <c>resnet_service_</c> word).</summary>
    public static IReadOnlyList<string> MentionedIn(string promQl) =>
        Regex.Matches(promQl, @"\bresnet_service_[a-z0-9_]+").Select(m => m.Value).Distinct().ToList();

    private static HashSet<string> Collect()
    {
        var names = new HashSet<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == InferenceMetrics.MeterName)
                {
                    names.UnionWith(SeriesOf(instrument));
                }
            },
        };
        // The instruments are created with the class; starting the listener lists those that exist.
        RuntimeHelpers.RunClassConstructor(typeof(InferenceMetrics).TypeHandle);
        listener.Start();
        return names;
    }

    private static IEnumerable<string> SeriesOf(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        var unit = instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            null or "" => "",
            ['{', .., '}'] => "",
            var other => throw new InvalidOperationException($"{instrument.Name}: no Prometheus suffix known for unit {other}."),
        };
        name = name.EndsWith(unit, StringComparison.Ordinal) ? name : name + unit;
        var type = instrument.GetType().GetGenericTypeDefinition();
        return type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? [name + "_total"]
            : type == typeof(Histogram<>) ? [name + "_bucket", name + "_sum", name + "_count"]
            : [name];
    }
}
