namespace ResNetService.Inference.Batching;

/// <summary>Counters since start, for health and metrics endpoints.</summary>
/// <param name="Images">Images that went through a model run.</param>
/// <param name="Batches">Model runs (a batch of several images is one run).</param>
/// <param name="Overloaded">Requests refused because the queue was full.</param>
/// <param name="QueueLength">Images waiting right now.</param>
public sealed record InferenceStatistics(long Images, long Batches, long Overloaded, int QueueLength)
{
    public double MeanBatchSize => Batches == 0 ? 0 : (double)Images / Batches;
}
