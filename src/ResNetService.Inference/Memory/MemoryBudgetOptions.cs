using System.ComponentModel.DataAnnotations;

namespace ResNetService.Inference.Memory;

/// <summary>The <see cref="MemoryBudget"/> (configuration section <c>Memory</c>).</summary>
public sealed class MemoryBudgetOptions
{
    public const string SectionName = "Memory";

    /// <summary>
    /// Bytes shared by loaded sessions, buffered request bodies and image decodes. 0 (the default): derived as
    /// <see cref="DerivedBudget"/> says, from the memory .NET reports available.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long BudgetBytes { get; set; }

    /// <summary>
    /// What the process needs besides the budget when <see cref="BudgetBytes"/> is derived: the runtime, ASP.NET Core,
    /// Skia and ONNX Runtime started (about 200 MB measured with the shipped model loaded, its session not included).
    /// </summary>
    [Range(0, long.MaxValue)]
    public long BaselineBytes { get; set; } = 256 * 1024 * 1024;

    /// <summary>How long a request may wait for memory before it gets 503 with Retry-After; 0: it does not wait.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A loaded session's weight per byte of its model file. Measured for a ResNet-50 (benchmarks/memory costs): 1.2 to
    /// 1.7 for each session after the first with warm-up batches of 8 to 32 (the first also starts ONNX Runtime, which
    /// the baseline covers).
    /// </summary>
    [Range(0.0, 100.0)]
    public double SessionBytesPerFileByte { get; set; } = 2.0;

    /// <summary>
    /// The budget when <see cref="BudgetBytes"/> is 0: <paramref name="totalAvailableBytes"/> (GC.GetGCMemoryInfo()
    /// .TotalAvailableMemoryBytes: in a container 75 % of its memory limit, the GC's heap limit; else the machine's
    /// memory) less <see cref="BaselineBytes"/>. The quarter of the container's limit that .NET leaves aside is room for
    /// what the budget does not weigh: garbage not yet collected, allocator slack, thread stacks.
    /// </summary>
    public long DerivedBudget(long totalAvailableBytes) => totalAvailableBytes - BaselineBytes;
}
