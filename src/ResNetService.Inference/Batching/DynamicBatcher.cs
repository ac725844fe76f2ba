using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ResNetService.Inference.Telemetry;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Batching;

/// <summary>The output row of one image and how it was run.</summary>
public sealed record BatchRowResult(float[] Output, int BatchSize, TimeSpan QueueTime, TimeSpan InferenceTime)
{
    /// <summary>The row's pooled embedding, when it asked for <see cref="ExtraOutputs.Embedding"/>.</summary>
    public float[]? Embedding { get; init; }

    /// <summary>The row's last feature map, when it asked for <see cref="ExtraOutputs.FeatureMap"/>.</summary>
    public float[]? FeatureMap { get; init; }
}

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
public sealed class DynamicBatcher : IAsyncDisposable
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

    /// <summary>
    /// Refuses at once (<see cref="OverloadedException"/>, counted) when <paramref name="rows"/> would not be admitted
    /// right now, so that a caller can refuse a request before it reads or decodes anything. Only a hint: the queue
    /// changes meanwhile, and <see cref="RunManyAsync(IReadOnlyList{float[]}, ExtraOutputs, CancellationToken)"/> decides.
    /// </summary>
    /// <exception cref="TooManyRowsException">More rows than the queue can ever hold.</exception>
    public void EnsureRoom(int rows)
    {
        if (_closed)
        {
            throw ModelNotReadyException.Unloaded();
        }

        if (rows > _options.QueueCapacity)
        {
            throw new TooManyRowsException(rows, _options.QueueCapacity);
        }

        var queued = Volatile.Read(ref _reserved);
        if (Refusal(queued, rows) is { } reason)
        {
            throw Refuse(reason, queued, rows);
        }
    }

    /// <summary>
    /// Why <paramref name="rows"/> more cannot be queued behind <paramref name="queued"/>, or null. A request refused for
    /// its wait is one whose rows would time out in the queue later, after it was read and decoded. One that finds the
    /// queue empty waits only for the run in progress and is admitted by count alone: so the model always gets work
    /// that keeps its measured time current, even after a run much slower than the timeout.
    /// </summary>
    private OverloadReason? Refusal(int queued, int rows) =>
        queued + rows > _options.QueueCapacity ? OverloadReason.QueueFull
        : queued > 0 && _options.QueueTimeout > TimeSpan.Zero && Wait(queued + rows) > _options.QueueTimeout ? OverloadReason.QueueWait
        : null;

    /// <summary>How long the last of <paramref name="rows"/> queued images waits, at the measured time per image (zero before the first run).</summary>
    private TimeSpan Wait(int rows) => _imageTime.PerImage * rows;

    private OverloadedException Refuse(OverloadReason reason, int queued, int rows)
    {
        Interlocked.Increment(ref _overloaded);
        _telemetry?.CountRejection(reason);
        var retry = $"retry after {_options.RetryAfter.TotalSeconds:0.###} s.";
        return new OverloadedException(_options.RetryAfter, reason == OverloadReason.QueueWait
            ? $"The model is busy: {queued} images queued and this request's {rows} would wait about {Wait(queued + rows).TotalMilliseconds:0} ms " +
              $"({_imageTime.PerImage.TotalMilliseconds:0.#} ms each), more than the queue timeout of {_options.QueueTimeout.TotalMilliseconds:0} ms; {retry}"
            : $"The inference queue is full ({queued} of {_options.QueueCapacity} images); {retry}");
    }

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
        if (MissingOutputs(extras) is not ExtraOutputs.None and var missing)
        {
            ReturnRows(rows);
            throw new ArgumentException($"The model gives no {missing} output.", nameof(extras));
        }

        if (rows.Count > _options.QueueCapacity)
        {
            ReturnRows(rows);
            throw new TooManyRowsException(rows.Count, _options.QueueCapacity);
        }

        if (_closed || cancellationToken.IsCancellationRequested)
        {
            ReturnRows(rows);
            if (_closed)
            {
                throw ModelNotReadyException.Unloaded();
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        if (TryReserve(rows.Count) is { } refused)
        {
            ReturnRows(rows);
            throw Refuse(refused.Reason, refused.Queued, rows.Count);
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
                queued.Release();
                queued.Fail(_closed ? ModelNotReadyException.Unloaded() : new OverloadedException(_options.RetryAfter));
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

    private ExtraOutputs MissingOutputs(ExtraOutputs extras) =>
        (extras.HasFlag(ExtraOutputs.Embedding) && _model.ExtraOutputLength(ExtraOutputs.Embedding) == 0 ? ExtraOutputs.Embedding : ExtraOutputs.None)
        | (extras.HasFlag(ExtraOutputs.FeatureMap) && _model.ExtraOutputLength(ExtraOutputs.FeatureMap) == 0 ? ExtraOutputs.FeatureMap : ExtraOutputs.None);

    /// <summary>Reserves room for <paramref name="count"/> rows when they are admitted; else says why not.</summary>
    private (OverloadReason Reason, int Queued)? TryReserve(int count)
    {
        while (true)
        {
            var current = Volatile.Read(ref _reserved);
            if (Refusal(current, count) is { } reason)
            {
                return (reason, current);
            }

            if (Interlocked.CompareExchange(ref _reserved, current + count, current) == current)
            {
                return null;
            }
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
                gathered.Release();
                gathered.Fail(ModelNotReadyException.Unloaded());
            }
        }
    }


    /// <summary>Takes rows until the batch is full or the first row has waited <see cref="BatchingOptions.MaxBatchDelay"/>.</summary>
    private async Task GatherAsync(List<QueuedRow> batch)
    {
        long? deadline = null;
        while (batch.Count < _options.MaxBatchSize)
        {
            if (_queue.Reader.TryRead(out var queued))
            {
                if (!queued.TryTake())
                {
                    continue; // its caller went away: it gave back its room and buffer then
                }

                Interlocked.Decrement(ref _reserved);
                if (TimedOut(queued) is { } timeout)
                {
                    _telemetry?.CountRejection(OverloadReason.QueueTimeout);
                    queued.Release();
                    queued.Fail(timeout);
                    continue;
                }

                batch.Add(queued);
                deadline ??= queued.EnqueuedAt + (long)(_options.MaxBatchDelay.TotalSeconds * _time.TimestampFrequency);
                continue;
            }
            if (deadline is not { } due || !await WaitForMoreAsync(due))
            {
                break;
            }
        }

        // Callers that went away while their batch was gathering are not run either.
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (batch[i].Completion.Task.IsCanceled)
            {
                batch[i].Release();
                batch.RemoveAt(i);
            }
        }
    }

    /// <summary>The failure for a row that waited longer than <see cref="BatchingOptions.QueueTimeout"/>, else null.</summary>
    private QueueTimeoutException? TimedOut(QueuedRow queued)
    {
        if (_options.QueueTimeout <= TimeSpan.Zero)
        {
            return null;
        }

        var waited = _time.GetElapsedTime(queued.EnqueuedAt);
        return waited > _options.QueueTimeout ? new QueueTimeoutException(waited, _options.QueueTimeout, _options.RetryAfter) : null;
    }

    /// <summary>True when another row arrived by <paramref name="deadline"/> (one already queued then still joins the batch).</summary>
    private async Task<bool> WaitForMoreAsync(long deadline)
    {
        var remaining = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
        if (remaining <= TimeSpan.Zero)
        {
            return _queue.Reader.TryPeek(out _);
        }

        if (remaining < TimeSpan.FromMilliseconds(1) && _time == TimeProvider.System)
        {
            // Timers tick about once a millisecond: spin for sub-millisecond delays instead (on the real clock only:
            // another one, a test's, does not move while this thread spins).
            var spinner = new SpinWait();
            while (_time.GetTimestamp() < deadline)
            {
                if (_queue.Reader.TryPeek(out _))
                {
                    return true;
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }
            return _queue.Reader.TryPeek(out _);
        }
        using var timer = new CancellationTokenSource(remaining, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, timer.Token);
        try
        {
            return await _queue.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            return _queue.Reader.TryPeek(out _);
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
        var embeddingLength = extras.HasFlag(ExtraOutputs.Embedding) ? _model.ExtraOutputLength(ExtraOutputs.Embedding) : 0;
        var featureMapLength = extras.HasFlag(ExtraOutputs.FeatureMap) ? _model.ExtraOutputLength(ExtraOutputs.FeatureMap) : 0;
        var embeddings = embeddingLength == 0 ? default : (_batchEmbedding ??= new float[_options.MaxBatchSize * embeddingLength]).AsSpan(0, rows * embeddingLength);
        var featureMaps = featureMapLength == 0 ? default : (_batchFeatureMap ??= new float[_options.MaxBatchSize * featureMapLength]).AsSpan(0, rows * featureMapLength);
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
            var output = _batchOutput.AsSpan(i * outputLength, outputLength).ToArray();
            var queueTime = _time.GetElapsedTime(batch[i].EnqueuedAt, started);
            var wanted = batch[i].Extras;
            batch[i].Succeed(new BatchRowResult(output, rows, queueTime, inferenceTime)
            {
                Embedding = wanted.HasFlag(ExtraOutputs.Embedding) ? embeddings.Slice(i * embeddingLength, embeddingLength).ToArray() : null,
                FeatureMap = wanted.HasFlag(ExtraOutputs.FeatureMap) ? featureMaps.Slice(i * featureMapLength, featureMapLength).ToArray() : null,
            });
        }
    }

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
                left.Release();
                left.Fail(ModelNotReadyException.Unloaded());
            }
        }
        _stopping.Dispose();
    }

    /// <summary>
    /// A row waiting for the model. Its buffer belongs to the batcher until <see cref="Release"/>. Whoever claims it
    /// first owns it: the consumer (<see cref="TryTake"/>), or its caller's cancellation, which gives back its room in
    /// the queue and its buffer at once, so that a client that went away holds nothing while the model is busy.
    /// </summary>
    private sealed class QueuedRow
    {
        private const int Waiting = 0, Taken = 1, Abandoned = 2;
        private readonly CancellationTokenRegistration _cancellation;
        private int _state;

        public QueuedRow(float[] row, ExtraOutputs extras, long enqueuedAt, CancellationToken cancellationToken, Action giveBackRoom)
        {
            Row = row;
            Extras = extras;
            EnqueuedAt = enqueuedAt;
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.Register(() =>
                {
                    if (Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting)
                    {
                        giveBackRoom();
                        Release();
                    }

                    Completion.TrySetCanceled(cancellationToken); // also when already taken: its caller stops waiting
                });
            }
        }

        /// <summary>Claims the row (to run it, or to fail it); false when its caller went away first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

        public float[] Row { get; }
        public ExtraOutputs Extras { get; }
        public long EnqueuedAt { get; }

        /// <summary>The span of the request that queued the row, which its queue-wait span belongs to.</summary>
        public ActivityContext Requester { get; } = Activity.Current?.Context ?? default;
        public TaskCompletionSource<BatchRowResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Returns the buffer to the pool once its floats are copied into the batch (or it is skipped).</summary>
        public void Release() => ArrayPool<float>.Shared.Return(Row);

        public void Succeed(BatchRowResult result)
        {
            Completion.TrySetResult(result);
            _cancellation.Dispose();
        }

        public void Fail(Exception error)
        {
            Completion.TrySetException(error);
            _cancellation.Dispose();
        }
    }
}
