namespace ResNetService.Inference.Classification;

/// <summary>One class and its probability.</summary>
public sealed record Prediction(int Index, string Label, float Probability);

/// <summary>The top classes for one image, best first, with where the time went.</summary>
/// <param name="Predictions">Top-k classes, highest probability first.</param>
/// <param name="BatchSize">How many images shared the model run this image was part of.</param>
/// <param name="PreprocessingTime">Decoding, resizing and normalising, on the caller's thread.</param>
/// <param name="QueueTime">Waiting for a batch to form and for the model to be free.</param>
/// <param name="InferenceTime">The model run of the whole batch.</param>
public sealed record ClassificationResult(
    IReadOnlyList<Prediction> Predictions,
    int BatchSize,
    TimeSpan PreprocessingTime,
    TimeSpan QueueTime,
    TimeSpan InferenceTime);

/// <summary>The outcome for one image of a batch request: a classification, or why that image was refused.</summary>
public sealed record BatchItemResult(ClassificationResult? Classification, ImageRejectedException? Rejection)
{
    public bool Succeeded => Classification is not null;
}

/// <summary>Counters since start, for health and metrics endpoints.</summary>
/// <param name="Images">Images that went through a model run.</param>
/// <param name="Batches">Model runs (a batch of several images is one run).</param>
/// <param name="Overloaded">Requests refused because the queue was full.</param>
/// <param name="QueueLength">Images waiting right now.</param>
public sealed record InferenceStatistics(long Images, long Batches, long Overloaded, int QueueLength)
{
    public double MeanBatchSize => Batches == 0 ? 0 : (double)Images / Batches;
}
