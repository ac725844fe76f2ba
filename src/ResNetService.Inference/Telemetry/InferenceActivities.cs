using System.Diagnostics;

namespace ResNetService.Inference.Telemetry;

/// <summary>
/// The spans of the inference library, on one <see cref="ActivitySource"/> that a tracer subscribes to by
/// <see cref="SourceName"/>. Per request: preprocessing (decode and tensor) and the wait in the queue, both children of
/// the caller's span; per batch: the model run, a span of its own trace linked to each of its rows' queue waits.
/// </summary>
public static class InferenceActivities
{
    public const string SourceName = "ResNetService.Inference";

    public const string Preprocess = "preprocess image";
    public const string QueueWait = "wait in queue";
    public const string ModelRun = "run model batch";

    /// <summary>Rows in the batch, on the model run's span.</summary>
    public const string BatchSizeTag = "resnet_service.batch.size";

    internal static readonly ActivitySource Source = new(SourceName, typeof(InferenceActivities).Assembly.GetName().Version?.ToString());
}
