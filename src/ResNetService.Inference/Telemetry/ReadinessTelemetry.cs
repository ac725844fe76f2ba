using System.Diagnostics.Metrics;

namespace ResNetService.Inference.Telemetry;

/// <summary>
/// What readiness is made of, for the observable gauges: per model how many versions serve (0 for one that cannot
/// serve, so that an alert can name it), and whether the models make the server ready. A model repository registers
/// itself and is observed at each collection; the registration ends when it is disposed.
/// </summary>
public static class ReadinessTelemetry
{
    private static readonly Observed<(Func<bool> Ready, Func<IEnumerable<(string Model, int Serving)>> ServingVersions)> Sources = new();

    /// <summary>Observes <paramref name="ready"/> and <paramref name="servingVersions"/> (model name, versions serving) until disposed.</summary>
    public static IDisposable Register(Func<bool> ready, Func<IEnumerable<(string Model, int Serving)>> servingVersions) =>
        Sources.Add((ready, servingVersions));

    internal static IEnumerable<Measurement<int>> ObserveServingVersions() =>
        Sources.Items.SelectMany(source => source.ServingVersions())
            .Select(model => new Measurement<int>(model.Serving, new KeyValuePair<string, object?>(InferenceMetrics.ModelTag, model.Model)));

    internal static IEnumerable<Measurement<int>> ObserveReady() =>
        Sources.Items.Select(source => new Measurement<int>(source.Ready() ? 1 : 0));
}
