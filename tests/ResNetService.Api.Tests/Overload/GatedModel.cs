using ResNetService.Inference.Batching;
using ResNetService.Inference.Model;

namespace ResNetService.Api.Tests.Overload;

/// <summary>The test model, whose every run waits until the test opens the gate: the queue fills behind it deterministically.</summary>
public sealed class GatedModel(OnnxModel inner) : IBatchModel, IDisposable
{
    private readonly ManualResetEventSlim _gate = new(false);
    private readonly SemaphoreSlim _entered = new(0);
    private int _rows;

    public int InputLength => inner.InputLength;

    public int OutputLength => inner.OutputLength;

    /// <summary>Rows that reached the model.</summary>
    public int RowsRun => Volatile.Read(ref _rows);

    public void Open() => _gate.Set();

    /// <summary>Waits (bounded) until a run has started and is held at the gate.</summary>
    public async Task EnteredAsync() =>
        Assert.True(await _entered.WaitAsync(TimeSpan.FromSeconds(30)), "the model run never started");

    public void Run(Memory<float> input, int rows, Span<float> output)
    {
        _entered.Release();
        Assert.True(_gate.Wait(TimeSpan.FromSeconds(30)), "the test never opened the gate");
        Interlocked.Add(ref _rows, rows);
        inner.Run(input, rows, output);
    }

    public void Dispose() => inner.Dispose();
}
