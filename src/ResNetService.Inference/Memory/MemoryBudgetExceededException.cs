namespace ResNetService.Inference.Memory;

/// <summary>
/// One request needs more than the <see cref="MemoryBudget"/> can ever give it: waiting would not help, so it is
/// refused at once (the API answers 413, like any other request too large for this service).
/// </summary>
public sealed class MemoryBudgetExceededException(long requested, long limit)
    : Exception($"It needs {requested} bytes of memory; the service's memory budget gives one request at most {limit} (Memory:BudgetBytes).")
{
    public long Requested { get; } = requested;

    public long Limit { get; } = limit;
}
