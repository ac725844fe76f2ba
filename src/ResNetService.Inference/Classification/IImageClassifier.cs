using ResNetService.Inference.Batching;
using ResNetService.Inference.Explanations;
using ResNetService.Inference.Features;
using ResNetService.Inference.Model;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Classification;

/// <summary>
/// Classifies encoded images with the loaded model. Decoding and preprocessing run on the caller's thread; model runs
/// are shared between concurrent callers by a dynamic batcher. One serves each loaded version of a model; requests
/// reach it through a lease from the <c>ModelRepository</c>.
/// </summary>
public interface IImageClassifier
{
    /// <summary>True once the model is loaded and its warm-up batch has run.</summary>
    bool IsReady { get; }

    /// <summary>The loaded model. Throws <see cref="ModelNotReadyException"/> before <see cref="IsReady"/>.</summary>
    ModelInfo Info { get; }

    InferenceStatistics Statistics { get; }

    /// <summary>
    /// Refuses at once when the queue has no room for <paramref name="images"/> images right now, so that a request can
    /// be refused before its body is read or decoded: rejection under overload then costs next to nothing. A hint only
    /// (the room may be taken meanwhile); the classify and infer calls decide.
    /// </summary>
    /// <exception cref="OverloadedException">No room now (counted as overload).</exception>
    /// <exception cref="TooManyRowsException">More images than the model's queue can ever hold.</exception>
    /// <exception cref="ModelNotReadyException">The model is still loading, or was unloaded because the service is stopping.</exception>
    void EnsureRoom(int images);

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
    /// <exception cref="ArgumentException">The model does not give one of the <paramref name="extras"/> (see <see cref="EnsureOutputs"/>).</exception>
    Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, ExtraOutputs extras, CancellationToken cancellationToken = default);

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

    /// <summary>
    /// A class activation map of one image for <paramref name="classIndex"/>, or for its top class when null, with the
    /// part of the image the network saw (the caller disposes the result).
    /// </summary>
    /// <exception cref="OutputUnavailableException">The model is not global average pooling then one fully connected layer, or has no feature map.</exception>
    /// <exception cref="UnknownClassException"><paramref name="classIndex"/> is not one of the model's classes.</exception>
    Task<Explanation> ExplainAsync(ReadOnlyMemory<byte> image, int? classIndex, CancellationToken cancellationToken = default);

    /// <summary>Refuses at once what the model cannot give (<see cref="OutputUnavailableException"/>), before a request is read.</summary>
    void EnsureOutputs(ExtraOutputs extras);

    /// <summary>
    /// Runs already preprocessed input rows (each <c>3 x ImageSize x ImageSize</c> floats, the model's input layout)
    /// through the same batcher as the images, and returns each row's raw model output (<see cref="ModelInfo.OutputKind"/>
    /// says whether that is logits or probabilities), in input order. The rows are copied; the caller keeps them.
    /// </summary>
    /// <exception cref="ArgumentException">A row is not exactly the model's input length.</exception>
    /// <exception cref="OverloadedException">The queue has no room for all the rows.</exception>
    /// <exception cref="QueueTimeoutException">A row waited longer than Batching:QueueTimeout and was not run.</exception>
    /// <exception cref="ModelNotReadyException">The model is still loading, or was unloaded because the service is stopping.</exception>
    /// <exception cref="TooManyRowsException">More rows than Batching:QueueCapacity (cap the request size below it).</exception>
    async Task<IReadOnlyList<float[]>> InferAsync(IReadOnlyList<ReadOnlyMemory<float>> rows, CancellationToken cancellationToken = default) =>
        [.. (await InferAsync(rows, ExtraOutputs.None, cancellationToken)).Select(result => result.Output)];

    /// <summary>The same, each row's result also holding the <paramref name="extras"/> asked for.</summary>
    Task<IReadOnlyList<BatchRowResult>> InferAsync(
        IReadOnlyList<ReadOnlyMemory<float>> rows, ExtraOutputs extras, CancellationToken cancellationToken = default);
}
