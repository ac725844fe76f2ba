namespace ResNetService.Benchmarks.Service;

/// <summary>One scenario's rounds: images done, time spent, and the latency of each request (or model run).</summary>
public sealed class Measurement(string scenario)
{
    private readonly List<double> _latenciesMs = [];
    private int _images;
    private TimeSpan _elapsed;
    private readonly List<string> _batches = [];

    public double ImagesPerSecond => _images / _elapsed.TotalSeconds;

    public void Add(int images, TimeSpan elapsed, IEnumerable<TimeSpan> latencies)
    {
        _images += images;
        _elapsed += elapsed;
        _latenciesMs.AddRange(latencies.Select(l => l.TotalMilliseconds));
    }

    /// <summary>Records how the service batched one round's images (e.g. "6+10").</summary>
    public void AddBatches(IReadOnlyList<long> sizes) => _batches.Add(string.Join('+', sizes));

    /// <summary>Nearest rank: the smallest latency with at least <paramref name="fraction"/> of the samples at or below it.</summary>
    public double Percentile(double fraction)
    {
        var sorted = _latenciesMs.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public override string ToString() =>
        $"{scenario,-52} {ImagesPerSecond,8:0.0} img/s   p50 {Percentile(0.50),8:0.0} ms   p99 {Percentile(0.99),8:0.0} ms   ({_latenciesMs.Count} samples)"
        + (_batches.Count == 0 ? "" : $"   model runs: {string.Join(", ", _batches)}");
}
