using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Batching;

// Gathering: the consumer's side of the queue, taking rows into a batch until it is full or its delay is over.
public sealed partial class DynamicBatcher
{
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
                    queued.FailUnrun(timeout);
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
}
