using static TorchSharp.torch;

namespace ResNetService.Trainer.Model;

/// <summary>
/// What <see cref="ResNet.Features"/> reads on the way through the network: C1 (the stem's activation before the max
/// pool, stride 2), C2..C5 (the outputs of layer1..layer4, strides 4 to 32), the embedding (C5 pooled and flattened:
/// the fully connected layer's input, [N, channels]) and the logits. The tensors belong to the caller's dispose scope.
/// </summary>
public sealed record ResNetFeatures(Tensor C1, Tensor C2, Tensor C3, Tensor C4, Tensor C5, Tensor Embedding, Tensor Logits)
{
    public const string EmbeddingName = "embedding";

    /// <summary>The feature maps C1..C5 in order.</summary>
    public IReadOnlyList<Tensor> Maps => [C1, C2, C3, C4, C5];

    /// <summary>C1..C5 and the embedding under their names ("c1".."c5", "embedding"), as the features command writes them.</summary>
    public IEnumerable<(string Name, Tensor Value)> Named() =>
        Maps.Select((map, i) => ($"c{i + 1}", map)).Append((EmbeddingName, Embedding));
}
