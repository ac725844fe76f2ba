namespace ResNetService.Inference;

/// <summary>
/// Queued work waited longer than Batching:QueueTimeout before its batch was formed: it is not run, and the caller
/// should retry after <see cref="RetryAfter"/> (503 + Retry-After), as Triton's queue policy answers a timed-out request.
/// </summary>
public sealed class QueueTimeoutException(TimeSpan waited, TimeSpan limit, TimeSpan retryAfter)
    : Exception($"The request waited {waited.TotalMilliseconds:0} ms in the inference queue, longer than the " +
        $"{limit.TotalMilliseconds:0} ms allowed; it was not run. Retry after {retryAfter.TotalSeconds:0.###} s.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
