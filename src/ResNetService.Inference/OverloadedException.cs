namespace ResNetService.Inference;

/// <summary>
/// The inference queue or the memory budget is full: the caller should retry after <see cref="RetryAfter"/>
/// (503 + Retry-After).
/// </summary>
public sealed class OverloadedException(TimeSpan retryAfter, string? message = null)
    : Exception(message ?? $"The inference queue is full; retry after {retryAfter.TotalSeconds:0.###} s.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
