namespace ResNetService.Inference.Telemetry;

/// <summary>
/// Why a request was refused to shed load: the <c>reason</c> tag of <c>resnet_service.requests.rejected</c>. The tag
/// value is the member's name in snake_case (<see cref="TagValues"/>), so a new reason is one line here.
/// </summary>
public enum OverloadReason
{
    /// <summary>The model's queue had no room for the request's images (Batching:QueueCapacity, a memory guard).</summary>
    QueueFull,

    /// <summary>
    /// The request's images would have waited longer than <c>Batching:QueueTimeout</c> behind those queued, at the
    /// model's measured time per image: refused at the door instead of timing out in the queue.
    /// </summary>
    QueueWait,

    /// <summary>An image's decode found no room in the memory budget within <c>Memory:WaitTimeout</c>.</summary>
    MemoryBudget,

    /// <summary>An image waited in the queue longer than <c>Batching:QueueTimeout</c> (counted once per image).</summary>
    QueueTimeout,
}
