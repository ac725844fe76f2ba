using ResNetService.Inference.Features;

namespace ResNetService.Inference.Serving;

/// <summary>Pooled embeddings of encoded images, run through the same batcher as classification.</summary>
public interface IImageEmbedder : IModelAdmission
{
    /// <summary>
    /// The pooled embedding of one image (the classifier's input: the last feature map averaged over its positions),
    /// scaled to unit length when <paramref name="normalize"/> is set. Runs through the same batcher as classification.
    /// </summary>
    /// <exception cref="OutputUnavailableException">The model has no embedding (<see cref="FeatureOutputs.EmbeddingUnavailable"/> says why).</exception>
    /// <exception cref="ImageRejectedException">The image is not acceptable.</exception>
    /// <exception cref="OverloadedException">The queue is full.</exception>
    Task<EmbeddingResult> EmbedAsync(ReadOnlyMemory<byte> image, bool normalize, CancellationToken cancellationToken = default);

    /// <summary>Embeddings of several images run together; an image that cannot be decoded is reported in its item.</summary>
    Task<IReadOnlyList<BatchEmbeddingItem>> EmbedBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, bool normalize, CancellationToken cancellationToken = default);
}
