using ResNetService.Inference.Telemetry;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Batching;

// Admission: whether rows may be queued now, decided by the work they add (see the class summary), and the room reserved for them.
public sealed partial class DynamicBatcher
{
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

    /// <summary>
    /// Why <paramref name="count"/> rows asking for <paramref name="extras"/> cannot be queued now, as the exception their
    /// caller gets; null when they are admitted, their room then reserved.
    /// </summary>
    private Exception? RefuseOrReserve(int count, ExtraOutputs extras, CancellationToken cancellationToken) =>
        MissingOutputs(extras) is not ExtraOutputs.None and var missing ? new ArgumentException($"The model gives no {missing} output.", nameof(extras))
        : count > _options.QueueCapacity ? new TooManyRowsException(count, _options.QueueCapacity)
        : _closed ? ModelNotReadyException.Unloaded()
        : cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken)
        : TryReserve(count) is { } refused ? Refuse(refused.Reason, refused.Queued, count)
        : null;

    private ExtraOutputs MissingOutputs(ExtraOutputs extras) =>
        Missing(ExtraOutputs.Embedding, extras) | Missing(ExtraOutputs.FeatureMap, extras);

    /// <summary><paramref name="output"/> when it was asked for and the model does not give it, else none.</summary>
    private ExtraOutputs Missing(ExtraOutputs output, ExtraOutputs asked) =>
        asked.HasFlag(output) && _model.ExtraOutputLength(output) == 0 ? output : ExtraOutputs.None;

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
}
