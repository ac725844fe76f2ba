using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Explanations;
using ResNetService.Inference.Features;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;
using ResNetService.Inference.Telemetry;
using ResNetService.Onnx.ModelFile;
using SkiaSharp;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Serving;

/// <summary>
/// A loaded model behind a dynamic batcher. Each call decodes and preprocesses on the caller's thread straight into a
/// pooled row, queues only the model run, and ranks its own output row. With a <see cref="MemoryBudget"/>, each decode
/// first waits (asynchronously) for its weight in the budget, told from the image's header.
/// </summary>
public sealed class ImageClassifier : IImageModel, IAsyncDisposable
{
    /// <summary>The smallest side an explanation's view is drawn at, so that small networks' heatmaps can be seen.</summary>
    public const int ExplanationViewSize = 224;

    private readonly ModelInfo _info;
    private readonly IBatchSession _model;
    private readonly ImageLimits _limits;
    private readonly PreprocessingSettings? _decodeFor; // the preprocessing a scaled decode must keep; null: decode whole
    private readonly DynamicBatcher _batcher;
    private readonly ModelTelemetry _telemetry;
    private readonly MemoryBudget? _memory;
    private bool _disposed;

    /// <summary>Takes ownership of <paramref name="model"/> (disposed with this classifier).</summary>
    /// <param name="version">The version it is served as, for metrics and spans (the default model is version 1).</param>
    /// <param name="memory">The budget decodes draw from; null: decodes are not counted.</param>
    /// <param name="timeProvider">The batcher's clock (queue times and deadlines); the system's when null.</param>
    /// <param name="decoding">Whether JPEGs are decoded scaled (the default) or whole.</param>
    public ImageClassifier(OnnxSession model, BatchingOptions batching, ImageLimits limits, ILogger? logger = null, long version = 1,
        MemoryBudget? memory = null, TimeProvider? timeProvider = null, ImageDecoding? decoding = null)
        : this(model.Info, model, batching, limits, logger, version, memory, timeProvider, decoding)
    {
    }

    /// <summary>
    /// Runs any batch model that <paramref name="info"/> describes (tests use one that blocks until released), and takes
    /// ownership of it when it is disposable.
    /// </summary>
    public ImageClassifier(ModelInfo info, IBatchSession model, BatchingOptions batching, ImageLimits limits, ILogger? logger = null,
        long version = 1, MemoryBudget? memory = null, TimeProvider? timeProvider = null, ImageDecoding? decoding = null)
    {
        _info = info;
        _model = model;
        _limits = limits;
        _decodeFor = decoding?.Scaled == false ? null : info.Preprocessing;
        _memory = memory;
        _telemetry = new ModelTelemetry(info.Name, version, info.ExecutionProvider);
        _batcher = new DynamicBatcher(model, batching, logger, _telemetry, timeProvider);
        _telemetry.ObserveQueueLength(() => _batcher.Statistics.QueueLength);
    }

    public bool IsReady => !_disposed;

    public ModelInfo Info => _info;

    public InferenceStatistics Statistics => _batcher.Statistics;

    public async Task<ClassificationResult> ClassifyAsync(ReadOnlyMemory<byte> image, int topK, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        EnsureRoom(1); // A full queue refuses before the decoding.
        var (row, preprocessingTime, _) = await PreprocessAsync(image, viewSize: 0, cancellationToken);
        var result = await _batcher.RunAsync(row, cancellationToken);
        return Rank(result, topK, preprocessingTime);
    }

    public async Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, CancellationToken cancellationToken = default) =>
        await ClassifyBatchAsync(images, topK, ExtraOutputs.None, cancellationToken);

    public async Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, ExtraOutputs extras, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var runs = await RunImagesAsync(images, extras, cancellationToken);
        return [.. runs.Select(run => run.Result is { } result
            ? new BatchItemResult(Rank(result, topK, run.PreprocessingTime) with { Embedding = result.Embedding, FeatureMap = result.FeatureMap }, null)
            : new BatchItemResult(null, run.Rejection))];
    }

    public async Task<EmbeddingResult> EmbedAsync(ReadOnlyMemory<byte> image, bool normalize, CancellationToken cancellationToken = default)
    {
        EnsureOutputs(ExtraOutputs.Embedding);
        EnsureRoom(1);
        var (row, preprocessingTime, _) = await PreprocessAsync(image, viewSize: 0, cancellationToken);
        var result = await _batcher.RunManyAsync([row], ExtraOutputs.Embedding, cancellationToken)[0];
        return ToEmbedding(result, normalize, preprocessingTime);
    }

    public async Task<IReadOnlyList<BatchEmbeddingItem>> EmbedBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, bool normalize, CancellationToken cancellationToken = default)
    {
        EnsureOutputs(ExtraOutputs.Embedding);
        var runs = await RunImagesAsync(images, ExtraOutputs.Embedding, cancellationToken);
        return [.. runs.Select(run => run.Result is { } result
            ? new BatchEmbeddingItem(ToEmbedding(result, normalize, run.PreprocessingTime), null)
            : new BatchEmbeddingItem(null, run.Rejection))];
    }

    public async Task<Explanation> ExplainAsync(ReadOnlyMemory<byte> image, int? classIndex, CancellationToken cancellationToken = default)
    {
        var features = _info.Features;
        if (!features.CanExplain || features.Classifier is not { } classifier)
        {
            throw new OutputUnavailableException($"Model '{_info.Name}' cannot be explained: {features.ExplanationUnavailable}.");
        }

        if (classIndex is { } requested)
        {
            _info.ThrowIfNotAClass(requested);
        }

        EnsureRoom(1);
        var viewSize = Math.Max(ExplanationViewSize, _info.Preprocessing.ImageSize);
        var (row, preprocessingTime, view) = await PreprocessAsync(image, viewSize, cancellationToken);
        try
        {
            var result = await _batcher.RunManyAsync([row], ExtraOutputs.FeatureMap, cancellationToken)[0];
            var probabilities = ToProbabilities(result.Output);
            var explained = classIndex ?? Probabilities.TopK(probabilities, 1)[0];
            var shape = features.FeatureMapShape;
            var map = ClassActivationMap.Compute(result.FeatureMap, shape[0], shape[1], shape[2], classifier.WeightsOf(explained));
            return new Explanation(new Prediction(explained, _info.Labels[explained], probabilities[explained]), map, view!,
                result.BatchSize, preprocessingTime, result.QueueTime, result.InferenceTime);
        }
        catch
        {
            view?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decodes every image (one that fails is reported in its item), then queues all that decoded together, each also
    /// fetching <paramref name="extras"/>. Refused before any image is decoded when they cannot all be queued now.
    /// </summary>
    private async Task<IReadOnlyList<ImageRun>> RunImagesAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, ExtraOutputs extras, CancellationToken cancellationToken)
    {
        EnsureRoom(images.Count);
        var rejections = new ImageRejectedException?[images.Count];
        var prepared = new List<(int Index, float[] Row, TimeSpan Time)>(images.Count);
        try
        {
            for (var i = 0; i < images.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var (row, time, _) = await PreprocessAsync(images[i], viewSize: 0, cancellationToken);
                    prepared.Add((i, row, time));
                }
                catch (ImageRejectedException e)
                {
                    rejections[i] = e;
                }
            }
        }
        catch
        {
            foreach (var item in prepared)
            {
                DynamicBatcher.ReturnRow(item.Row);
            }

            throw;
        }

        var runs = _batcher.RunManyAsync(prepared.Select(p => p.Row).ToArray(), extras, cancellationToken);
        var results = new ImageRun[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            if (rejections[i] is { } rejection)
            {
                results[i] = new ImageRun(null, rejection, TimeSpan.Zero);
            }
        }

        for (var p = 0; p < prepared.Count; p++)
        {
            results[prepared[p].Index] = new ImageRun(await runs[p], null, prepared[p].Time);
        }

        return results;
    }

    private sealed record ImageRun(BatchRowResult? Result, ImageRejectedException? Rejection, TimeSpan PreprocessingTime);

    public async Task<IReadOnlyList<float[]>> InferAsync(IReadOnlyList<ReadOnlyMemory<float>> rows, CancellationToken cancellationToken = default) =>
        [.. (await InferAsync(rows, ExtraOutputs.None, cancellationToken)).Select(result => result.Output)];

    public async Task<IReadOnlyList<BatchRowResult>> InferAsync(
        IReadOnlyList<ReadOnlyMemory<float>> rows, ExtraOutputs extras, CancellationToken cancellationToken = default)
    {
        EnsureOutputs(extras);
        if (_disposed)
        {
            throw ModelNotReadyException.Unloaded();
        }

        var length = _model.InputLength;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != length)
            {
                throw new ArgumentException($"Row {i} has {rows[i].Length} values; the model's input row has {length}.", nameof(rows));
            }
        }

        EnsureRoom(rows.Count);

        // The batcher owns rented rows from here on, and gives them back (also when it refuses them).
        var rented = new float[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            rented[i] = _batcher.RentRow();
            rows[i].Span.CopyTo(rented[i]);
        }

        var runs = _batcher.RunManyAsync(rented, extras, cancellationToken);
        var outputs = new BatchRowResult[runs.Count];
        for (var i = 0; i < runs.Count; i++)
        {
            outputs[i] = await runs[i];
        }

        return outputs;
    }

    /// <summary>Refuses, before anything is read or decoded, what this model cannot give, saying why.</summary>
    /// <exception cref="OutputUnavailableException">The model has no such output.</exception>
    public void EnsureOutputs(ExtraOutputs extras)
    {
        var features = _info.Features;
        if (extras.HasFlag(ExtraOutputs.Embedding) && _model.ExtraOutputLength(ExtraOutputs.Embedding) == 0)
        {
            throw new OutputUnavailableException($"Model '{_info.Name}' gives no embedding: {features.EmbeddingUnavailable ?? "it has no such output"}.");
        }

        if (extras.HasFlag(ExtraOutputs.FeatureMap) && _model.ExtraOutputLength(ExtraOutputs.FeatureMap) == 0)
        {
            throw new OutputUnavailableException(
                $"Model '{_info.Name}' gives no feature map: {features.ExplanationUnavailable ?? "it has no such output"}.");
        }
    }

    /// <summary>Refuses at once when the queue has no room for <paramref name="images"/> (see <see cref="DynamicBatcher.EnsureRoom"/>).</summary>
    public void EnsureRoom(int images)
    {
        if (_disposed)
        {
            throw ModelNotReadyException.Unloaded();
        }

        _batcher.EnsureRoom(images);
    }

    /// <summary>Waits for the decode's memory when there is a budget, then decodes on this thread.</summary>
    /// <param name="viewSize">When above 0, also draws the part of the image the network sees at this size (for explanations).</param>
    private async ValueTask<(float[] Row, TimeSpan Time, SKBitmap? View)> PreprocessAsync(
        ReadOnlyMemory<byte> image, int viewSize, CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            throw ModelNotReadyException.Unloaded();
        }

        if (_memory is null)
        {
            return Preprocess(image.Span, viewSize);
        }

        DecodePlan? plan = null;
        MemoryReservation reservation;
        try
        {
            // The header alone tells the weight, and refuses a bad image before it waits for anything.
            plan = ImageDecoder.Plan(image, _limits, _decodeFor);
            reservation = await _memory.AcquireAsync(DecodeMemory.Bytes(plan), MemoryUse.Decode, cancellationToken);
        }
        catch (MemoryBudgetExceededException e)
        {
            // Never decodable here, whatever the load: the image's fault as far as this service goes (413).
            var rejected = new ImageRejectedException(ImageProblem.TooManyPixels,
                $"The image is {plan!.Width}x{plan.Height} pixels; decoding it takes more memory than this service's budget allows. {e.Message}");
            RefusedFromHeader(rejected);
            throw rejected;
        }
        catch (ImageRejectedException e)
        {
            RefusedFromHeader(e);
            throw;
        }
        catch (OverloadedException)
        {
            _telemetry.CountRejection(OverloadReason.MemoryBudget);
            throw;
        }

        using (reservation)
        {
            return Preprocess(image.Span, viewSize);
        }
    }

    /// <summary>An image refused from its header is counted and traced as one that failed preprocessing.</summary>
    private void RefusedFromHeader(ImageRejectedException rejection)
    {
        using var span = _telemetry.StartPreprocessing();
        _telemetry.ImageFailed(span, rejection);
    }

    /// <summary>Decodes and preprocesses into a pooled row that the batcher will own.</summary>
    private (float[] Row, TimeSpan Time, SKBitmap? View) Preprocess(ReadOnlySpan<byte> image, int viewSize)
    {
        if (_disposed)
        {
            throw ModelNotReadyException.Unloaded();
        }

        var started = Stopwatch.GetTimestamp();
        var settings = _info.Preprocessing;
        var row = _batcher.RentRow();
        SKBitmap? view = null;
        using var span = _telemetry.StartPreprocessing();
        try
        {
            using var bitmap = ImageDecoder.Decode(image, _limits, _decodeFor);
            ImagePreprocessor.WriteTensor(bitmap, settings, row);
            view = viewSize > 0 ? ImagePreprocessor.Resize(bitmap, settings, viewSize) : null;
            _telemetry.ImageDecoded();
        }
        catch (Exception e)
        {
            _telemetry.ImageFailed(span, e);
            DynamicBatcher.ReturnRow(row);
            view?.Dispose();
            throw;
        }
        return (row, Stopwatch.GetElapsedTime(started), view);
    }

    private EmbeddingResult ToEmbedding(BatchRowResult result, bool normalize, TimeSpan preprocessingTime)
    {
        var embedding = result.Embedding!;
        if (normalize)
        {
            EmbeddingResult.Normalize(embedding);
        }

        return new EmbeddingResult(embedding, normalize, result.BatchSize, preprocessingTime, result.QueueTime, result.InferenceTime);
    }

    /// <summary>The row's class probabilities (softmax of logits, in place; a model's own probabilities as they are).</summary>
    private float[] ToProbabilities(float[] output)
    {
        if (_info.OutputKind == OutputKinds.Logits)
        {
            Probabilities.Softmax(output, output);
        }

        return output;
    }

    private ClassificationResult Rank(BatchRowResult result, int topK, TimeSpan preprocessingTime)
    {
        var probabilities = ToProbabilities(result.Output);
        var labels = _info.Labels;
        var predictions = Probabilities.TopK(probabilities, topK)
            .Select(i => new Prediction(i, labels[i], probabilities[i]))
            .ToArray();
        return new ClassificationResult(predictions, result.BatchSize, preprocessingTime, result.QueueTime, result.InferenceTime);
    }

    /// <summary>Takes no new images and runs those queued, until <paramref name="cancellationToken"/> fires (shutdown).</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => _batcher.DrainAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _telemetry.Dispose();
        await _batcher.DisposeAsync();
        (_model as IDisposable)?.Dispose();
    }
}
