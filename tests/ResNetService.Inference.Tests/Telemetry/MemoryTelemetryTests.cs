using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Tests.Telemetry;

/// <summary>
/// The memory gauges: a registered budget's size and its bytes in use by each use, as they are at the moment of
/// collection, and nothing once the registration is disposed. Other tests' hosts register budgets in the same
/// process, so this budget's numbers are drawn at random, large enough to be told apart from theirs.
/// </summary>
public sealed class MemoryTelemetryTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, string? Use)> _measurements = new();

    public MemoryTelemetryTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == InferenceMetrics.MeterName && instrument.Name.StartsWith("resnet_service.memory.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? use = null;
            foreach (var tag in tags)
            {
                use = tag.Key == InferenceMetrics.MemoryUseTag ? tag.Value as string : use;
            }

            _measurements.Enqueue((instrument.Name, value, use));
        });
        _listener.Start();
    }

    [Fact]
    public async Task The_gauges_show_the_budgets_size_and_what_each_use_holds_until_the_registration_ends()
    {
        var capacity = Random.Shared.NextInt64(1L << 40, 1L << 41);
        var decode = Random.Shared.NextInt64(1L << 30, 1L << 31);
        var upload = Random.Shared.NextInt64(1L << 32, 1L << 33);
        var budget = new MemoryBudget(capacity, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        using var decoding = await budget.AcquireAsync(decode, MemoryUse.Decode);
        using var uploading = await budget.AcquireAsync(upload, MemoryUse.Upload);

        var registration = MemoryTelemetry.Register(budget);
        var whileRegistered = Observe();
        decoding.Dispose();
        var afterRelease = Observe();
        registration.Dispose();
        var afterDispose = Observe();

        Assert.Contains(("resnet_service.memory.budget", capacity, (string?)null), whileRegistered);
        Assert.Contains(("resnet_service.memory.in_use", decode, (string?)"decode"), whileRegistered);
        Assert.Contains(("resnet_service.memory.in_use", upload, (string?)"upload"), whileRegistered);
        Assert.DoesNotContain(("resnet_service.memory.in_use", decode, (string?)"decode"), afterRelease);
        Assert.Contains(("resnet_service.memory.in_use", upload, (string?)"upload"), afterRelease);
        Assert.DoesNotContain(afterDispose, m => m.Value == capacity || m.Value == upload);
    }

    private List<(string Instrument, long Value, string? Use)> Observe()
    {
        _measurements.Clear();
        _listener.RecordObservableInstruments();
        return [.. _measurements];
    }

    public void Dispose() => _listener.Dispose();
}
