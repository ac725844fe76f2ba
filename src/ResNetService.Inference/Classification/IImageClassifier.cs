using ResNetService.Inference.Batching;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Classification;

/// <summary>
/// Classifies encoded images with the loaded model. Decoding and preprocessing run on the caller's thread; model runs
/// are shared between concurrent callers by a dynamic batcher. Registered as a singleton by
/// <c>AddImageClassifier</c> (Hosting/ImageClassifierSetup.cs).
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
        IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, CancellationToken cancellationToken = default);

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
    Task<IReadOnlyList<float[]>> InferAsync(IReadOnlyList<ReadOnlyMemory<float>> rows, CancellationToken cancellationToken = default);
}
