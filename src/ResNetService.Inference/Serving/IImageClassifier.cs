using ResNetService.Inference.Classification;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Serving;

/// <summary>
/// Classifies encoded images with the loaded model. Decoding and preprocessing run on the caller's thread; model runs
/// are shared between concurrent callers by a dynamic batcher. One serves each loaded version of a model; requests
/// reach it through a lease from the <c>ModelRepository</c>.
/// </summary>
public interface IImageClassifier : IModelAdmission
{
    /// <summary>Top-<paramref name="topK"/> classes of one encoded image (JPEG, PNG, WebP, GIF, BMP).</summary>
    /// <exception cref="ImageRejectedException">The image is not acceptable; its <see cref="ImageProblem"/> says why.</exception>
    /// <exception cref="OverloadedException">The queue is full.</exception>
    /// <exception cref="QueueTimeoutException">The image waited longer than Batching:QueueTimeout and was not run.</exception>
    /// <exception cref="ModelNotReadyException">The model is still loading, or was unloaded because the service is stopping.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is below 1 (values above the class count are clamped).</exception>
    Task<ClassificationResult> ClassifyAsync(ReadOnlyMemory<byte> image, int topK, CancellationToken cancellationToken = default);

    /// <summary>
    /// Classifies several images together (split into model runs of at most MaxBatchSize). Each image gets its own
    /// result in input order; an image that cannot be decoded is reported in its item and does not fail the others.
    /// </summary>
    /// <exception cref="OverloadedException">The queue has no room for the whole request.</exception>
    /// <exception cref="QueueTimeoutException">An image waited longer than Batching:QueueTimeout and was not run.</exception>
    /// <exception cref="ModelNotReadyException">The model is still loading, or was unloaded because the service is stopping.</exception>
    /// <exception cref="TooManyRowsException">More images than Batching:QueueCapacity (cap the request size below it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> below 1.</exception>
    Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, CancellationToken cancellationToken = default) =>
        ClassifyBatchAsync(images, topK, ExtraOutputs.None, cancellationToken);

    /// <summary>The same, with each result also holding the <paramref name="extras"/> asked for.</summary>
    /// <exception cref="ArgumentException">The model does not give one of the <paramref name="extras"/> (see <see cref="IModelAdmission.EnsureOutputs"/>).</exception>
    Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, ExtraOutputs extras, CancellationToken cancellationToken = default);
}
