using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Batching;

/// <summary>The output row of one image and how it was run.</summary>
public sealed record BatchRowResult(float[] Output, int BatchSize, TimeSpan QueueTime, TimeSpan InferenceTime)
{
    /// <summary>The row's pooled embedding, when it asked for <see cref="ExtraOutputs.Embedding"/>.</summary>
    public float[]? Embedding { get; init; }

    /// <summary>The row's last feature map, when it asked for <see cref="ExtraOutputs.FeatureMap"/>.</summary>
    public float[]? FeatureMap { get; init; }
}
