using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;

namespace ResNetService.Inference.Classification;

/// <summary>
/// A loaded model behind a dynamic batcher. Each call decodes and preprocesses on the caller's thread straight into a
/// pooled row, queues only the model run, and ranks its own output row.
/// </summary>
public sealed class ImageClassifier : IImageClassifier, IAsyncDisposable
{
    private readonly ModelInfo _info;
    private readonly IBatchModel _model;
    private readonly ImageLimits _limits;
    private readonly DynamicBatcher _batcher;
    private bool _disposed;

    /// <summary>Takes ownership of <paramref name="model"/> (disposed with this classifier).</summary>
    public ImageClassifier(OnnxModel model, BatchingOptions batching, ImageLimits limits, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(model.Info, model, batching, limits, logger, timeProvider)
    {
    }

    /// <summary>
    /// Runs any batch model that <paramref name="info"/> describes (tests use one that blocks until released), and takes
    /// ownership of it when it is disposable.
    /// </summary>
    public ImageClassifier(ModelInfo info, IBatchModel model, BatchingOptions batching, ImageLimits limits, ILogger? logger = null,
        TimeProvider? timeProvider = null)
    {
        _info = info;
        _model = model;
        _limits = limits;
        _batcher = new DynamicBatcher(model, batching, logger, timeProvider);
    }

    public bool IsReady => !_disposed;

    public ModelInfo Info => _info;

    public InferenceStatistics Statistics => _batcher.Statistics;

    public async Task<ClassificationResult> ClassifyAsync(ReadOnlyMemory<byte> image, int topK, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        EnsureRoom(1); // A full queue refuses before the decoding.
        var (row, preprocessingTime) = Preprocess(image.Span);
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
                    var (row, time) = Preprocess(images[i].Span);
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

    public void EnsureRoom(int images)
    {
        if (_disposed)
        {
            throw ModelNotReadyException.Unloaded();
        }

        _batcher.EnsureRoom(images);
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
        try
        {
            using var bitmap = ImageDecoder.Decode(image, _limits, settings);
            ImagePreprocessor.WriteTensor(bitmap, settings, row);
        }
        catch
        {
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

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _batcher.DisposeAsync();
        (_model as IDisposable)?.Dispose();
    }
}
