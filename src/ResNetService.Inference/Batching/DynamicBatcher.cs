using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ResNetService.Inference.Telemetry;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Batching;

/// <summary>
/// Shares model runs between concurrent callers. Callers fill a pooled row (preprocessing on their own thread) and
/// queue it; one consumer gathers rows until <see cref="BatchingOptions.MaxBatchSize"/> or
/// <see cref="BatchingOptions.MaxBatchDelay"/>, runs them as one batch and hands each caller its own output row.
/// Admission is by work: a request's rows are queued when the wait they mean (the rows queued before them and their
/// own, times the measured <see cref="ImageTime"/>) fits within <see cref="BatchingOptions.QueueTimeout"/>, and when
/// the queue has room for them (<see cref="BatchingOptions.QueueCapacity"/>, a memory guard); otherwise the caller gets
/// <see cref="OverloadedException"/> at once. A row that still waited longer than the timeout is not run
/// (<see cref="QueueTimeoutException"/>), and a row whose caller went away gives its room back at once and is skipped.
/// Time comes from a <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class DynamicBatcher : IAsyncDisposable
{
    private readonly IBatchSession _model;
    private readonly BatchingOptions _options;
    private readonly ILogger _logger;
    private readonly ModelTelemetry? _telemetry;
    private readonly TimeProvider _time;
    private readonly Channel<QueuedRow> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _consumer;
    private readonly float[] _batchInput;
    private readonly float[] _batchOutput;
    private float[]? _batchEmbedding, _batchFeatureMap; // allocated when a batch first asks for them
    private volatile bool _closed; // draining or stopped: no new rows
    private readonly Action _giveBackRoom;
    private int _reserved; // live rows admitted but not yet taken by the consumer; reserving first makes a request all-or-nothing
    private long _images, _batches, _overloaded;
    private readonly ImageTime _imageTime = new();

    /// <param name="telemetry">Where its metrics and spans go (tagged with the model's name and version); none when null.</param>
    /// <param name="timeProvider">The clock of queue times and deadlines; the system's when null.</param>
    public DynamicBatcher(
        IBatchSession model, BatchingOptions options, ILogger? logger = null, ModelTelemetry? telemetry = null, TimeProvider? timeProvider = null)
    {
        _model = model;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _telemetry = telemetry;
        _time = timeProvider ?? TimeProvider.System;
        _giveBackRoom = () => Interlocked.Decrement(ref _reserved);
        // Admission is decided by _reserved (live rows only). A row whose caller went away stays in the channel until
        // the consumer skips it: room for as many of those as live rows, and no more, so they cannot pile up unbounded
        // while the model is busy.
        _queue = Channel.CreateBounded<QueuedRow>(new BoundedChannelOptions(2 * options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // never waited on: TryWrite only
        });
        _batchInput = new float[options.MaxBatchSize * model.InputLength];
        _batchOutput = new float[options.MaxBatchSize * model.OutputLength];
        _consumer = Task.Run(ConsumeAsync);
    }

    public InferenceStatistics Statistics =>
        new(Interlocked.Read(ref _images), Interlocked.Read(ref _batches), Interlocked.Read(ref _overloaded), Volatile.Read(ref _reserved),
            _imageTime.PerImage);

    /// <summary>A pooled buffer for one input row; write the first <see cref="IBatchSession.InputLength"/> floats, then pass it to <see cref="RunAsync"/>.</summary>
    public float[] RentRow() => ArrayPool<float>.Shared.Rent(_model.InputLength);

    /// <summary>Gives back a rented row that will not be run (e.g. its image failed to decode).</summary>
    public static void ReturnRow(float[] row) => ArrayPool<float>.Shared.Return(row);

    /// <summary>Queues one row (the batcher takes ownership of it) and waits for its output.</summary>
    /// <exception cref="OverloadedException">The queue is full.</exception>
    public Task<BatchRowResult> RunAsync(float[] row, CancellationToken cancellationToken = default) =>
        RunManyAsync([row], ExtraOutputs.None, cancellationToken)[0];

    /// <inheritdoc cref="RunManyAsync(IReadOnlyList{float[]}, ExtraOutputs, CancellationToken)"/>
    public IReadOnlyList<Task<BatchRowResult>> RunManyAsync(IReadOnlyList<float[]> rows, CancellationToken cancellationToken = default) =>
        RunManyAsync(rows, ExtraOutputs.None, cancellationToken);

    /// <summary>
    /// Queues all rows or none (the batcher takes ownership of them): they run together as far as
    /// <see cref="BatchingOptions.MaxBatchSize"/> allows, each also getting the <paramref name="extras"/> it asks for.
    /// One task per row, in order.
    /// </summary>
    /// <exception cref="OverloadedException">They are not admitted: no room for all of them, or a wait beyond the queue timeout.</exception>
    /// <exception cref="TooManyRowsException">More rows than <see cref="BatchingOptions.QueueCapacity"/>: they could never all be queued.</exception>
    /// <exception cref="ArgumentException">The model does not give one of the <paramref name="extras"/>.</exception>
    public IReadOnlyList<Task<BatchRowResult>> RunManyAsync(IReadOnlyList<float[]> rows, ExtraOutputs extras, CancellationToken cancellationToken = default)
    {
        if (RefuseOrReserve(rows.Count, extras, cancellationToken) is { } refusal)
        {
            ReturnRows(rows);
            throw refusal;
        }

        var tasks = new Task<BatchRowResult>[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var queued = new QueuedRow(rows[i], extras, _time.GetTimestamp(), cancellationToken, _giveBackRoom);
            tasks[i] = queued.Completion.Task;
            // Refused only when closed, or when the channel is full of rows whose callers went away.
            if (!_queue.Writer.TryWrite(queued) && queued.TryTake())
            {
                Interlocked.Decrement(ref _reserved);
                queued.FailUnrun(_closed ? ModelNotReadyException.Unloaded() : new OverloadedException(_options.RetryAfter));
            }
        }
        return tasks;
    }

    private static void ReturnRows(IReadOnlyList<float[]> rows)
    {
        foreach (var row in rows)
        {
            ReturnRow(row);
        }
    }

    private async Task ConsumeAsync()
    {
        var batch = new List<QueuedRow>(_options.MaxBatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping.Token))
            {
                await GatherAsync(batch);
                if (batch.Count > 0)
                {
                    RunBatch(batch);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            // Stopped while gathering: these rows were taken from the queue but will never run.
            foreach (var gathered in batch)
            {
                gathered.FailUnrun(ModelNotReadyException.Unloaded());
            }
        }
    }

    private void RunBatch(List<QueuedRow> batch)
    {
        int inputLength = _model.InputLength, outputLength = _model.OutputLength, rows = batch.Count;
        var started = _time.GetTimestamp();
        using var telemetry = _telemetry?.StartBatch(rows);
        var extras = ExtraOutputs.None;
        for (var i = 0; i < rows; i++)
        {
            batch[i].Row.AsSpan(0, inputLength).CopyTo(_batchInput.AsSpan(i * inputLength));
            batch[i].Release();
            extras |= batch[i].Extras;
            telemetry?.RowQueued(batch[i].Requester, _time.GetElapsedTime(batch[i].EnqueuedAt, started));
        }

        // Only the outputs some row asked for are fetched.
        var embeddings = ExtraOutputRows(ExtraOutputs.Embedding, extras, ref _batchEmbedding, rows, out var embeddingLength);
        var featureMaps = ExtraOutputRows(ExtraOutputs.FeatureMap, extras, ref _batchFeatureMap, rows, out var featureMapLength);
        try
        {
            var input = _batchInput.AsMemory(0, rows * inputLength);
            var output = _batchOutput.AsSpan(0, rows * outputLength);
            if (extras == ExtraOutputs.None)
            {
                _model.Run(input, rows, output);
            }
            else
            {
                _model.Run(input, rows, output, extras, embeddings, featureMaps);
            }
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A model run of {Rows} images failed", rows);
            telemetry?.Failed(e);
            foreach (var queued in batch)
            {
                queued.Fail(e);
            }

            return;
        }

        var inferenceTime = _time.GetElapsedTime(started);
        _imageTime.Record(rows, inferenceTime);
        telemetry?.Succeeded(inferenceTime);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _images, rows);
        for (var i = 0; i < rows; i++)
        {
            var output = Row(_batchOutput, i, outputLength);
            var queueTime = _time.GetElapsedTime(batch[i].EnqueuedAt, started);
            var wanted = batch[i].Extras;
            batch[i].Succeed(new BatchRowResult(output, rows, queueTime, inferenceTime)
            {
                Embedding = wanted.HasFlag(ExtraOutputs.Embedding) ? Row(embeddings, i, embeddingLength) : null,
                FeatureMap = wanted.HasFlag(ExtraOutputs.FeatureMap) ? Row(featureMaps, i, featureMapLength) : null,
            });
        }
    }

    /// <summary>
    /// The batch's rows of one extra <paramref name="output"/> when some row <paramref name="asked"/> for it (its buffer
    /// allocated then, once), else empty; <paramref name="length"/> is the output's length per row, 0 when not fetched.
    /// </summary>
    private Span<float> ExtraOutputRows(ExtraOutputs output, ExtraOutputs asked, ref float[]? buffer, int rows, out int length)
    {
        length = asked.HasFlag(output) ? _model.ExtraOutputLength(output) : 0;
        return length == 0 ? default : (buffer ??= new float[_options.MaxBatchSize * length]).AsSpan(0, rows * length);
    }

    /// <summary>A copy of row <paramref name="index"/> of a batch's output, for its caller to keep.</summary>
    private static float[] Row(Span<float> batch, int index, int length) => batch.Slice(index * length, length).ToArray();

    /// <summary>
    /// Takes no new rows and runs the queued ones, until the queue is empty or <paramref name="cancellationToken"/> fires
    /// (then <see cref="DisposeAsync"/> fails what is left as unloaded). For a shutdown: queued work is answered, not dropped.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        _closed = true;
        _queue.Writer.TryComplete(); // the consumer ends once it has taken the last row
        try
        {
            await _consumer.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _closed = true;
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _consumer;
        while (_queue.Reader.TryRead(out var left))
        {
            if (left.TryTake())
            {
                left.FailUnrun(ModelNotReadyException.Unloaded());
            }
        }
        _stopping.Dispose();
    }
}
