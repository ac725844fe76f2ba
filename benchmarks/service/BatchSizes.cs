using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ResNetService.Benchmarks.Service;

/// <summary>
/// The batch sizes of the service's model runs, read from its own metric (the service runs in this process): how
/// concurrent one-image requests were gathered explains much of their ratio to one ready batch-N <c>Run</c>.
/// </summary>
public sealed class BatchSizes : IDisposable
{
    private readonly ConcurrentQueue<long> _sizes = new();
    private readonly MeterListener _listener = new();

    public BatchSizes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "resnet_service.batch.size")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, size, _, _) => _sizes.Enqueue(size));
        _listener.SetMeasurementEventCallback<int>((_, size, _, _) => _sizes.Enqueue(size));
        _listener.Start();
    }

    /// <summary>The sizes recorded since the last call, in order.</summary>
    public IReadOnlyList<long> Take()
    {
        var taken = new List<long>();
        while (_sizes.TryDequeue(out var size))
        {
            taken.Add(size);
        }

        return taken;
    }

    public void Dispose() => _listener.Dispose();
}
