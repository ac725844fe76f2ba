using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ResNetService.Inference.Telemetry;

/// <summary>
/// What readiness is made of, for the observable gauges: per model how many versions serve (0 for one that cannot
/// serve, so that an alert can name it), and whether the models make the server ready. A model repository registers
/// itself and is observed at each collection; the registration ends when it is disposed.
/// </summary>
public static class ReadinessTelemetry
{
    private static readonly ConcurrentDictionary<Source, byte> Sources = new();

    /// <summary>Observes <paramref name="ready"/> and <paramref name="servingVersions"/> (model name, versions serving) until disposed.</summary>
    public static IDisposable Register(Func<bool> ready, Func<IEnumerable<(string Model, int Serving)>> servingVersions)
    {
        var source = new Source(ready, servingVersions);
        Sources.TryAdd(source, 0);
        return source;
    }

    internal static IEnumerable<Measurement<int>> ObserveServingVersions() =>
        Sources.Keys.SelectMany(source => source.ServingVersions())
            .Select(model => new Measurement<int>(model.Serving, new KeyValuePair<string, object?>(InferenceMetrics.ModelTag, model.Model)));

    internal static IEnumerable<Measurement<int>> ObserveReady() =>
        Sources.Keys.Select(source => new Measurement<int>(source.Ready() ? 1 : 0));

    private sealed class Source(Func<bool> ready, Func<IEnumerable<(string Model, int Serving)>> servingVersions) : IDisposable
    {
        public Func<bool> Ready { get; } = ready;

        public Func<IEnumerable<(string Model, int Serving)>> ServingVersions { get; } = servingVersions;

        public void Dispose() => Sources.TryRemove(this, out _);
    }
}
