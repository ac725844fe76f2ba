using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Explanations;
using ResNetService.Inference.Features;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Hosting;

/// <summary>
/// The <see cref="IImageClassifier"/> the container hands out: refuses work with <see cref="ModelNotReadyException"/>
/// until <see cref="ModelLoaderService"/> has loaded and warmed up the model, then forwards to it.
/// </summary>
public sealed class ImageClassifierHost : IImageClassifier, IAsyncDisposable
{
    private volatile ImageClassifier? _classifier;

    public bool IsReady => _classifier?.IsReady ?? false;

    public ModelInfo Info => Ready.Info;

    public InferenceStatistics Statistics => _classifier?.Statistics ?? new InferenceStatistics(0, 0, 0, 0);

    public void EnsureRoom(int images) => Ready.EnsureRoom(images);

    public Task<ClassificationResult> ClassifyAsync(
        ReadOnlyMemory<byte> image, int topK, CancellationToken cancellationToken = default) =>
        Ready.ClassifyAsync(image, topK, cancellationToken);

    public Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, CancellationToken cancellationToken = default) =>
        Ready.ClassifyBatchAsync(images, topK, cancellationToken);

    public Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, ExtraOutputs extras, CancellationToken cancellationToken = default) =>
        Ready.ClassifyBatchAsync(images, topK, extras, cancellationToken);

    public Task<IReadOnlyList<float[]>> InferAsync(IReadOnlyList<ReadOnlyMemory<float>> rows, CancellationToken cancellationToken = default) =>
        Ready.InferAsync(rows, cancellationToken);

    public Task<IReadOnlyList<BatchRowResult>> InferAsync(
        IReadOnlyList<ReadOnlyMemory<float>> rows, ExtraOutputs extras, CancellationToken cancellationToken = default) =>
        Ready.InferAsync(rows, extras, cancellationToken);

    public Task<EmbeddingResult> EmbedAsync(ReadOnlyMemory<byte> image, bool normalize, CancellationToken cancellationToken = default) =>
        Ready.EmbedAsync(image, normalize, cancellationToken);

    public Task<IReadOnlyList<BatchEmbeddingItem>> EmbedBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, bool normalize, CancellationToken cancellationToken = default) =>
        Ready.EmbedBatchAsync(images, normalize, cancellationToken);

    public Task<Explanation> ExplainAsync(ReadOnlyMemory<byte> image, int? classIndex, CancellationToken cancellationToken = default) =>
        Ready.ExplainAsync(image, classIndex, cancellationToken);

    public void EnsureOutputs(ExtraOutputs extras) => Ready.EnsureOutputs(extras);

    /// <summary>Makes a loaded, warmed-up classifier the one that serves requests.</summary>
    public void Activate(ImageClassifier classifier) => _classifier = classifier;

    private ImageClassifier Ready => _classifier is { IsReady: true } classifier ? classifier : throw new ModelNotReadyException();

    /// <summary>Takes no new work and runs what is queued, until <paramref name="cancellationToken"/> fires (shutdown).</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => _classifier?.DrainAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _classifier, null) is { } classifier)
        {
            await classifier.DisposeAsync();
        }
    }
}
