using System.Diagnostics.Metrics;
using System.Reflection;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The Prometheus series names of the service's own metrics, derived from the instruments the code declares on its
/// meter (<see cref="InferenceMetrics"/>) the way OpenTelemetry's Prometheus exporter renders them: dots become
/// underscores, a unit in seconds adds <c>_seconds</c>, a counter adds <c>_total</c>, a histogram is its
/// <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series. A query that names anything else asks for a series that never comes.
/// </summary>
public static class ExportedMetrics
{
    public static IReadOnlySet<string> Names { get; } = typeof(InferenceMetrics)
        .GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
        .Select(field => field.GetValue(null))
        .OfType<Instrument>()
        .SelectMany(SeriesOf)
        .ToHashSet();

    /// <summary>The service's metric names a PromQL expression mentions (any <c>resnet_service_</c> word).</summary>
    public static IReadOnlyList<string> MentionedIn(string promQl) =>
        System.Text.RegularExpressions.Regex.Matches(promQl, @"\bresnet_service_[a-z0-9_]+").Select(m => m.Value).Distinct().ToList();

    private static IEnumerable<string> SeriesOf(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_') + (instrument.Unit == "s" ? "_seconds" : "");
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Histogram<>))
        {
            return [$"{name}_bucket", $"{name}_sum", $"{name}_count"];
        }

        return type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? [$"{name}_total"] : [name];
    }
}
