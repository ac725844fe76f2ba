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
    TimeSpan InferenceTime)
{
    /// <summary>The image's pooled embedding, when it was asked for (Open Inference Protocol requests may).</summary>
    public float[]? Embedding { get; init; }

    /// <summary>The image's last feature map, when it was asked for.</summary>
    public float[]? FeatureMap { get; init; }
}

/// <summary>The outcome for one image of a batch request: a classification, or why that image was refused.</summary>
public sealed record BatchItemResult(ClassificationResult? Classification, ImageRejectedException? Rejection)
{
    public bool Succeeded => Classification is not null;
}
