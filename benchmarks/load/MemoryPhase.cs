using System.Diagnostics;
using System.Globalization;

namespace ResNetService.Benchmarks.Load;

/// <summary>
/// Many concurrent uploads of one large PNG: the service's peak memory while it decodes them all (each decode holds
/// the full-size bitmap). A separate, short phase, after the load phases.
/// </summary>
public static class MemoryPhase
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static async Task<string> RunAsync(ServiceProcess service, LoadOptions options)
    {
        Console.WriteLine($"Memory phase: drawing a {options.MemoryMegapixels} MP noise PNG...");
        var png = LoadImages.NoisePng(options.MemoryMegapixels, options.Seed, out var width, out var height);
        var image = $"{width}x{height} PNG ({png.Length / 1e6:0.0} MB)";
        Console.WriteLine($"Memory phase: {options.MemoryUploads} concurrent uploads of one {image}...");

        using var sender = new ClassifySender(service.Address, options.MemoryUploads, Timeout);
        var before = service.MemoryBytes();
        var meter = new ResourceMeter(service);
        var started = Stopwatch.GetTimestamp();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, options.MemoryUploads)
            .Select(_ => Task.Run(() => sender.ClassifyAsync(png, ImageMediaType.Png))));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var statuses = string.Join(", ", outcomes.GroupBy(outcome => outcome.Status).OrderBy(group => group.Key)
            .Select(group => $"{(group.Key == Outcome.NoAnswer ? "none" : group.Key.ToString(CultureInfo.InvariantCulture))} x{group.Count()}"));
        var uploads = $"Memory: {options.MemoryUploads} concurrent uploads of one {image}: {statuses} in {seconds:0.0} s; ";
        if (service.ExitCode is { } exitCode)
        {
            return uploads + $"the service exited with code {exitCode}:\n{service.RecentOutput()}";
        }

        var use = meter.Stop();
        var after = service.MemoryBytes();
        return uploads +
            $"service memory {before / 1e6:0} MB before, peak {use.ServicePeakBytes / 1e6:0} MB{(use.PeakSincePhaseStart ? "" : " (since start)")}, " +
            $"{after / 1e6:0} MB after; service {use.ServiceCores:0.00} cores, generator {use.GeneratorCores:0.00} cores";
    }
}
