using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Classification;

/// <summary>
/// A loaded model behind a dynamic batcher. Each call decodes and preprocesses on the caller's thread straight into a
/// pooled row, queues only the model run, and ranks its own output row. With a <see cref="MemoryBudget"/>, each decode
/// first waits (asynchronously) for its weight in the budget, told from the image's header.
/// </summary>
public sealed class ImageClassifier : IImageClassifier, IAsyncDisposable
{
    private readonly ModelInfo _info;
    private readonly IBatchModel _model;
    private readonly ImageLimits _limits;
    private readonly DynamicBatcher _batcher;
    private readonly ModelTelemetry _telemetry;
    private readonly MemoryBudget? _memory;
    private bool _disposed;

    /// <summary>Takes ownership of <paramref name="model"/> (disposed with this classifier).</summary>
    /// <param name="version">The version it is served as, for metrics and spans (the default model is version 1).</param>
    /// <param name="memory">The budget decodes draw from; null: decodes are not counted.</param>
    /// <param name="timeProvider">The batcher's clock (queue times and deadlines); the system's when null.</param>
    public ImageClassifier(OnnxModel model, BatchingOptions batching, ImageLimits limits, ILogger? logger = null, long version = 1,
        MemoryBudget? memory = null, TimeProvider? timeProvider = null)
        : this(model.Info, model, batching, limits, logger, version, memory, timeProvider)
    {
    }

    /// <summary>
    /// Runs any batch model that <paramref name="info"/> describes (tests use one that blocks until released), and takes
    /// ownership of it when it is disposable.
    /// </summary>
    public ImageClassifier(ModelInfo info, IBatchModel model, BatchingOptions batching, ImageLimits limits, ILogger? logger = null,
        long version = 1, MemoryBudget? memory = null, TimeProvider? timeProvider = null)
    {
        _info = info;
        _model = model;
        _limits = limits;
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
        var (row, preprocessingTime) = await PreprocessAsync(image, cancellationToken);
        var result = await _batcher.RunAsync(row, cancellationToken);
        return Rank(result, topK, preprocessingTime);
    }

    public async Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        EnsureRoom(images.Count); // Refused before any image is decoded when they cannot all be queued now.
        var rejections = new ImageRejectedException?[images.Count];
        var prepared = new List<(int Index, float[] Row, TimeSpan Time)>(images.Count);
        try
        {
            for (var i = 0; i < images.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var (row, time) = await PreprocessAsync(images[i], cancellationToken);
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

        var runs = _batcher.RunManyAsync(prepared.Select(p => p.Row).ToArray(), cancellationToken);
        var results = new BatchItemResult[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            if (rejections[i] is { } rejection)
            {
                results[i] = new BatchItemResult(null, rejection);
            }
        }

        for (var p = 0; p < prepared.Count; p++)
        {
            results[prepared[p].Index] = new BatchItemResult(Rank(await runs[p], topK, prepared[p].Time), null);
        }

        return results;
    }

    public async Task<IReadOnlyList<float[]>> InferAsync(IReadOnlyList<ReadOnlyMemory<float>> rows, CancellationToken cancellationToken = default)
    {
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

        var runs = _batcher.RunManyAsync(rented, cancellationToken);
        var outputs = new float[runs.Count][];
        for (var i = 0; i < runs.Count; i++)
        {
            outputs[i] = (await runs[i]).Output;
        }

        return outputs;
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
    private async ValueTask<(float[] Row, TimeSpan Time)> PreprocessAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            throw ModelNotReadyException.Unloaded();
        }

        if (_memory is null)
        {
            return Preprocess(image.Span);
        }

        DecodePlan? plan = null;
        MemoryReservation reservation;
        try
        {
            // The header alone tells the weight, and refuses a bad image before it waits for anything.
            plan = ImageDecoder.Plan(image, _limits, _info.Preprocessing);
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
            return Preprocess(image.Span);
        }
    }

    /// <summary>An image refused from its header is counted and traced as one that failed preprocessing.</summary>
    private void RefusedFromHeader(ImageRejectedException rejection)
    {
        using var span = _telemetry.StartPreprocessing();
        _telemetry.ImageFailed(span, rejection);
    }

    /// <summary>Decodes and preprocesses into a pooled row that the batcher will own.</summary>
    private (float[] Row, TimeSpan Time) Preprocess(ReadOnlySpan<byte> image)
    {
        if (_disposed)
        {
            throw ModelNotReadyException.Unloaded();
        }

        var started = Stopwatch.GetTimestamp();
        var settings = _info.Preprocessing;
        var row = _batcher.RentRow();
        using var span = _telemetry.StartPreprocessing();
        try
        {
            using var bitmap = ImageDecoder.Decode(image, _limits, settings);
            ImagePreprocessor.WriteTensor(bitmap, settings, row);
            _telemetry.ImageDecoded();
        }
        catch (Exception e)
        {
            _telemetry.ImageFailed(span, e);
            DynamicBatcher.ReturnRow(row);
            throw;
        }
        return (row, Stopwatch.GetElapsedTime(started));
    }

    private ClassificationResult Rank(BatchRowResult result, int topK, TimeSpan preprocessingTime)
    {
        var probabilities = result.Output;
        if (_info.OutputKind == OutputKinds.Logits)
        {
            Probabilities.Softmax(result.Output, probabilities);
        }

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
