namespace ResNetService.Inference.Memory;

/// <summary>Bytes taken from a <see cref="MemoryBudget"/>; disposing gives them back (once, however often it is called).</summary>
public sealed class MemoryReservation : IDisposable
{
    private readonly MemoryBudget? _budget;
    private int _released;

    internal MemoryReservation(MemoryBudget? budget, long bytes, MemoryUse use)
    {
        _budget = budget;
        Bytes = bytes;
        Use = use;
    }

    public long Bytes { get; }

    public MemoryUse Use { get; }

    /// <summary>Holds nothing: what a caller without a budget, or asking for nothing, disposes.</summary>
    public static MemoryReservation None(MemoryUse use) => new(null, 0, use);

    public void Dispose()
    {
        if (_budget is not null && Interlocked.Exchange(ref _released, 1) == 0)
        {
            _budget.Release(this);
        }
    }
}
