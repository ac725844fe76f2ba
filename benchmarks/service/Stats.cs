namespace ResNetService.Benchmarks.Service;

/// <summary>Latencies of one scenario and the images/s it reached.</summary>
public sealed record Measurement(string Scenario, int Images, TimeSpan Elapsed, IReadOnlyList<TimeSpan> Latencies)
{
    public double ImagesPerSecond => Images / Elapsed.TotalSeconds;

    public double Percentile(double fraction)
    {
        var sorted = Latencies.Select(l => l.TotalMilliseconds).Order().ToArray();
        // Nearest rank: the smallest value with at least `fraction` of the samples at or below it.
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public override string ToString() =>
        $"{Scenario,-52} {ImagesPerSecond,8:0.0} img/s   p50 {Percentile(0.50),8:0.0} ms   p99 {Percentile(0.99),8:0.0} ms   ({Latencies.Count} samples)";
}
