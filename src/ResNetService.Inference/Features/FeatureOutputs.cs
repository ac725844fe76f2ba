namespace ResNetService.Inference.Features;

/// <summary>
/// What a loaded model gives besides its class scores: the pooled embedding and the last feature map (graph outputs
/// it declares in its metadata, or that the service exposed itself when it loaded the model), and the classifier's
/// weights that explanations need. Where something is missing, a reason a client can read says why.
/// </summary>
public sealed record FeatureOutputs
{
    /// <summary>A model with neither, for the reason given.</summary>
    public static FeatureOutputs None(string reason) => new() { EmbeddingUnavailable = reason, ExplanationUnavailable = reason };

    /// <summary>The graph output holding the embedding, or null.</summary>
    public string? EmbeddingOutput { get; init; }

    /// <summary>Floats in one row's embedding (its channels); 0 when there is none.</summary>
    public int EmbeddingLength { get; init; }

    /// <summary>The graph output holding the last feature map, or null.</summary>
    public string? FeatureMapOutput { get; init; }

    /// <summary>One row's feature map as [channels, height, width]; empty when there is none.</summary>
    public IReadOnlyList<int> FeatureMapShape { get; init; } = [];

    /// <summary>True for outputs the model declares in its metadata; false for those the service found and exposed.</summary>
    public bool Declared { get; init; }

    /// <summary>Global average pooling then one fully connected layer, as class activation maps need; null when not found.</summary>
    public ClassifierHead? Classifier { get; init; }

    /// <summary>Why there is no embedding; null when there is one.</summary>
    public string? EmbeddingUnavailable { get; init; }

    /// <summary>Why no class activation map can be made; null when one can.</summary>
    public string? ExplanationUnavailable { get; init; }

    public bool HasEmbedding => EmbeddingOutput is not null;

    public bool CanExplain => ExplanationUnavailable is null;
}
