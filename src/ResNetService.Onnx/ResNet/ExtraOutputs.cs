namespace ResNetService.Onnx.ResNet;

/// <summary>Graph outputs a ResNet model may declare beside <c>logits</c>, which always comes first.</summary>
[Flags]
public enum ExtraOutputs
{
    None = 0,

    /// <summary><c>embedding</c>: float32 [batch, channels], the last feature map pooled and flattened (the fully connected layer's input).</summary>
    Embedding = 1,

    /// <summary><c>feature_map</c>: float32 [batch, channels, h, w], the last stage's output (C5).</summary>
    FeatureMap = 2,
}
