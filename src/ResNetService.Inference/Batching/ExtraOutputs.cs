namespace ResNetService.Inference.Batching;

/// <summary>
/// Outputs a caller may want from its row's model run besides the class scores, which are always fetched. A batch
/// fetches only those that some row in it asked for, so plain classification pays nothing for them.
/// </summary>
[Flags]
public enum ExtraOutputs
{
    None = 0,

    /// <summary>The pooled embedding: the classifier's input, [channels].</summary>
    Embedding = 1,

    /// <summary>The last feature map, [channels, height, width].</summary>
    FeatureMap = 2,
}
