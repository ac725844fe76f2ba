using System.ComponentModel.DataAnnotations;

namespace ResNetService.Inference.Batching;

/// <summary>How concurrent requests are gathered into model runs (configuration section <c>Batching</c>).</summary>
public sealed class BatchingOptions
{
    public const string SectionName = "Batching";

    /// <summary>Most images in one model run.</summary>
    [Range(1, 1024)]
    public int MaxBatchSize { get; set; } = 8;

    /// <summary>
    /// How long the first waiting image may wait for others before its batch runs anyway (0 = run at once with whatever
    /// is queued). Timers on Linux have about a millisecond of resolution.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Images that may wait for the model, a memory guard (each holds its input row); one more is refused with
    /// <see cref="OverloadedException"/>. 256 takes eight concurrent batch requests of 32.
    /// </summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 256;

    /// <summary>
    /// Longest time an image may wait in the queue. A request whose images would wait longer, at the model's measured
    /// time per image behind those queued, is refused at once (<see cref="OverloadedException"/>); one that still waited
    /// longer when its batch is formed is not run, and its caller gets <see cref="QueueTimeoutException"/> (503) instead
    /// of a late answer. Zero: no limit, and admission counts images only.
    /// </summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What an overloaded caller is told to wait before retrying (Retry-After).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a refusal for overload is held before it is sent (0 to <see cref="RetryAfter"/>): a client that resends at
    /// once then cannot make refusals take the CPU the model needs (see the Api's SlowRefusals).
    /// </summary>
    public TimeSpan RefusalDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
