using System.ComponentModel.DataAnnotations;

namespace ResNetService.Api.V2;

/// <summary>Limits on one Open Inference Protocol request (configuration section <c>V2</c>).</summary>
public sealed class V2Options
{
    public const string SectionName = "V2";

    /// <summary>
    /// Largest <c>/v2/.../infer</c> body in bytes (JSON header and binary tensors together); larger bodies get 413.
    /// The default takes a JSON FP32 batch of 8 at 224x224 (about 15 MB) and a binary one of 32 (19 MB).
    /// </summary>
    [Range(typeof(long), "1024", "2147483647")]
    public long MaxRequestBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Most rows (the N of <c>[N,3,H,W]</c>, or images in a BYTES input) in one request; at most Batching:QueueCapacity.</summary>
    [Range(1, 1024)]
    public int MaxBatchSize { get; set; } = 32;
}
