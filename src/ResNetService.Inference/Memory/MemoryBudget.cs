using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ResNetService.Inference.Memory;

/// <summary>
/// One pool of bytes for what makes the process large: loaded sessions, buffered request bodies and full-size image
/// decodes. A request that does not fit waits its turn, asynchronously and in order, for at most
/// <see cref="WaitTimeout"/>, then gets <see cref="OverloadedException"/> (503 with Retry-After); one that could never
/// fit gets <see cref="MemoryBudgetExceededException"/> at once. The weights are estimates of what each use allocates
/// (see <see cref="DecodeMemory"/> and <see cref="SessionBytesPerFileByte"/>), so the budget bounds memory by
/// admission: it allocates nothing itself.
/// </summary>
/// <remarks>
/// Decodes are served before uploads, each queue first come first served: a request that holds its body and waits
/// to decode it is never stuck behind new requests' bodies, and a large request at the head of a queue is not
/// overtaken by smaller ones behind it (no starvation). Uploads leave <see cref="UploadHeadroom"/> (room for the
/// largest decodes) free, so bodies alone can never fill the budget so far that no request can decode.
/// </remarks>
public sealed class MemoryBudget
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _decodes = new();
    private readonly LinkedList<Waiter> _uploads = new();
    private readonly long[] _inUseBy = new long[Enum.GetValues<MemoryUse>().Length];
    private readonly TimeSpan _retryAfter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _inUse;

    /// <param name="capacity">Bytes in the pool.</param>
    /// <param name="waitTimeout">How long a request may wait for memory; zero: refuse at once when it does not fit.</param>
    /// <param name="retryAfter">What a request refused after waiting is told to wait before retrying.</param>
    public MemoryBudget(long capacity, TimeSpan waitTimeout, TimeSpan retryAfter, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(waitTimeout, TimeSpan.Zero);
        Capacity = capacity;
        WaitTimeout = waitTimeout;
        _retryAfter = retryAfter;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    public long Capacity { get; }

    public TimeSpan WaitTimeout { get; }

    /// <summary>Bytes that uploads leave free for decodes (0 by default; the service keeps room for the largest decodes).</summary>
    public long UploadHeadroom
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(UploadHeadroom));
    }

    /// <summary>A session's weight per byte of its model file (<see cref="ReserveSession"/>).</summary>
    public double SessionBytesPerFileByte
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(SessionBytesPerFileByte));
    }

    /// <summary>What upload releases tell, so that their managed arrays are collected soon (null: left to the GC).</summary>
    public ManagedGarbage? UploadGarbage { get; init; }

    /// <summary>Bytes taken now, by every use.</summary>
    public long InUse
    {
        get
        {
            lock (_lock)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Requests waiting for memory now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _decodes.Count + _uploads.Count;
            }
        }
    }

    /// <summary>Bytes taken now by one use.</summary>
    public long InUseBy(MemoryUse use)
    {
        lock (_lock)
        {
            return _inUseBy[(int)use];
        }
    }

    /// <summary>The most one request of that use can ever get.</summary>
    public long Limit(MemoryUse use) => use == MemoryUse.Upload ? Capacity - UploadHeadroom : Capacity;

    /// <summary>
    /// Counts the session of <paramref name="modelPath"/> at once, even beyond the capacity: its memory is taken whether
    /// or not the budget allows it, and counting it makes requests wait until there is room again. During a reload
    /// the old and the new session both count, as both are in memory.
    /// </summary>
    public MemoryReservation ReserveSession(string modelPath)
    {
        var bytes = (long)(new FileInfo(modelPath).Length * SessionBytesPerFileByte);
        long sessions;
        lock (_lock)
        {
            Take(bytes, MemoryUse.Session);
            sessions = _inUseBy[(int)MemoryUse.Session];
        }

        if (sessions + UploadHeadroom > Capacity)
        {
            _logger.LogWarning(
                "The loaded models take {Sessions} bytes of the {Capacity}-byte memory budget, which leaves less than the " +
                "{Headroom} bytes kept for decodes: large images will wait and may get 503. Raise Memory:BudgetBytes " +
                "(or the container's memory limit), or lower ImageLimits:MaxPixels.", sessions, Capacity, UploadHeadroom);
        }

        return new MemoryReservation(this, bytes, MemoryUse.Session);
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> for an upload or a decode, waiting its turn when they do not fit now.
    /// </summary>
    /// <exception cref="MemoryBudgetExceededException">More than <see cref="Limit"/>: it could never fit.</exception>
    /// <exception cref="OverloadedException">It did not fit within <see cref="WaitTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public ValueTask<MemoryReservation> AcquireAsync(long bytes, MemoryUse use, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (use == MemoryUse.Session)
        {
            throw new ArgumentException("A session is counted with ReserveSession: it does not wait.", nameof(use));
        }

        if (bytes > Limit(use))
        {
            throw new MemoryBudgetExceededException(bytes, Math.Max(0, Limit(use)));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (bytes == 0)
        {
            return ValueTask.FromResult(MemoryReservation.None(use));
        }

        Waiter waiter;
        lock (_lock)
        {
            // Only when nobody is waiting ahead of it: a later request never overtakes an earlier one.
            if (IsFirstInLine(use) && Fits(bytes, use))
            {
                Take(bytes, use);
                return ValueTask.FromResult(new MemoryReservation(this, bytes, use));
            }

            if (WaitTimeout == TimeSpan.Zero)
            {
                throw Overloaded(bytes);
            }

            waiter = new Waiter(bytes, use);
            waiter.Node = (use == MemoryUse.Decode ? _decodes : _uploads).AddLast(waiter);
        }

        _logger.LogDebug("Waiting for {Bytes} bytes of memory for {Use}", bytes, use);
        return new ValueTask<MemoryReservation>(WaitAsync(waiter, cancellationToken));
    }

    private async Task<MemoryReservation> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        await using var timer = _time.CreateTimer(
            _ => Abandon(waiter, timedOut: true, CancellationToken.None), null, WaitTimeout, Timeout.InfiniteTimeSpan);
        await using var registration = cancellationToken.Register(() => Abandon(waiter, timedOut: false, cancellationToken));
        return await waiter.Granted.Task;
    }

    /// <summary>Takes a waiter out of its queue when its time is up or its caller went away, unless it was served first.</summary>
    private void Abandon(Waiter waiter, bool timedOut, CancellationToken cancellationToken)
    {
        List<Waiter>? served;
        lock (_lock)
        {
            if (waiter.Node?.List is not { } queue)
            {
                return;
            }

            queue.Remove(waiter.Node);
            // The one that left may have been the large request at the head that the others waited behind.
            served = ServeWaiting();
        }

        if (timedOut)
        {
            waiter.Granted.TrySetException(Overloaded(waiter.Bytes));
        }
        else
        {
            waiter.Granted.TrySetCanceled(cancellationToken);
        }

        Complete(served);
    }

    internal void Release(MemoryReservation reservation)
    {
        if (reservation.Use == MemoryUse.Upload)
        {
            UploadGarbage?.Released(reservation.Bytes);
        }

        List<Waiter>? served;
        lock (_lock)
        {
            _inUse -= reservation.Bytes;
            _inUseBy[(int)reservation.Use] -= reservation.Bytes;
            served = ServeWaiting();
        }

        Complete(served);
    }

    /// <summary>Takes the bytes of every waiter that fits now, in order: decodes first, then uploads. Under the lock.</summary>
    private List<Waiter>? ServeWaiting()
    {
        List<Waiter>? served = null;
        var queue = _decodes.Count > 0 ? _decodes : _uploads;
        // The head of the queue goes first; when it does not fit, nobody behind it passes it.
        while (queue.First is { } head && Fits(head.Value.Bytes, head.Value.Use))
        {
            queue.RemoveFirst();
            Take(head.Value.Bytes, head.Value.Use);
            (served ??= []).Add(head.Value);
            if (_decodes.Count == 0)
            {
                queue = _uploads;
            }
        }

        return served;
    }

    private void Complete(List<Waiter>? served)
    {
        foreach (var waiter in served ?? [])
        {
            waiter.Granted.TrySetResult(new MemoryReservation(this, waiter.Bytes, waiter.Use));
        }
    }

    private bool IsFirstInLine(MemoryUse use) =>
        _decodes.Count == 0 && (use == MemoryUse.Decode || _uploads.Count == 0);

    private bool Fits(long bytes, MemoryUse use) => _inUse + bytes <= Limit(use);

    private void Take(long bytes, MemoryUse use)
    {
        _inUse += bytes;
        _inUseBy[(int)use] += bytes;
    }

    private OverloadedException Overloaded(long bytes) => new(_retryAfter,
        $"The service's memory budget had no room for this request's {bytes} bytes within {WaitTimeout.TotalSeconds:0.###} s; " +
        $"retry after {_retryAfter.TotalSeconds:0.###} s.");

    private sealed class Waiter(long bytes, MemoryUse use)
    {
        public long Bytes { get; } = bytes;

        public MemoryUse Use { get; } = use;

        public TaskCompletionSource<MemoryReservation> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
