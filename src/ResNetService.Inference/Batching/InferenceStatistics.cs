namespace ResNetService.Inference.Batching;

/// <summary>Counters since start, for health and metrics endpoints.</summary>
/// <param name="Images">Images that went through a model run.</param>
/// <param name="Batches">Model runs (a batch of several images is one run).</param>
/// <param name="Overloaded">Requests refused at the queue: no room for their images, or a wait beyond the queue timeout.</param>
/// <param name="QueueLength">Images waiting right now.</param>
/// <param name="TimePerImage">The measured model time per image (<see cref="ImageTime"/>); zero before the first run.</param>
public sealed record InferenceStatistics(long Images, long Batches, long Overloaded, int QueueLength, TimeSpan TimePerImage)
{
    public double MeanBatchSize => Batches == 0 ? 0 : (double)Images / Batches;
}
