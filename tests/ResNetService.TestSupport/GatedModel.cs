using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using ResNetService.Inference.Batching;

namespace ResNetService.TestSupport;

/// <summary>
/// A batch model that holds every run until the test opens its gate, so that a test can fill the queue behind it
/// deterministically, and records the first value of every row it ran (a test row may carry its own number there).
/// With <paramref name="inner"/> it runs that model once released (and disposes it with itself); without, it writes zeros.
/// <see cref="Taking"/> gives each run a duration on a test's clock, as the batcher measures it.
/// </summary>
public sealed class GatedModel(int inputLength = 4, int outputLength = 2, IBatchSession? inner = null) : IBatchSession, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ManualResetEventSlim _gate = new(false);
    private readonly SemaphoreSlim _entered = new(0);
    private (FakeTimeProvider Clock, TimeSpan PerImage)? _duration;

    public int InputLength => inner?.InputLength ?? inputLength;

    public int OutputLength => inner?.OutputLength ?? outputLength;

    /// <summary>The rows run, batch by batch, as their first values.</summary>
    public ConcurrentQueue<float[]> Batches { get; } = new();

    /// <summary>Rows that reached the model.</summary>
    public int RowsRun => Batches.Sum(batch => batch.Length);

    public void Open() => _gate.Set();

    /// <summary>Holds the runs that start from now on at the gate again.</summary>
    public void Close() => _gate.Reset();

    /// <summary>Makes every run take <paramref name="perImage"/> per row on <paramref name="clock"/>: the run moves the clock itself.</summary>
    public GatedModel Taking(TimeSpan perImage, FakeTimeProvider clock)
    {
        _duration = (clock, perImage);
        return this;
    }

    /// <summary>Waits (bounded) until a run has started and is held at the gate.</summary>
    public async Task EnteredAsync()
    {
        if (!await _entered.WaitAsync(Patience))
        {
            throw new TimeoutException("The model run never started.");
        }
    }

    public void Run(Memory<float> input, int rows, Span<float> output)
    {
        _entered.Release();
        if (!_gate.Wait(Patience))
        {
            throw new TimeoutException("The test never opened the gate.");
        }

        var firsts = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            firsts[r] = input.Span[r * InputLength];
        }

        if (_duration is { } duration)
        {
            duration.Clock.Advance(duration.PerImage * rows);
        }

        Batches.Enqueue(firsts);
        if (inner is null)
        {
            output.Clear();
        }
        else
        {
            inner.Run(input, rows, output);
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
