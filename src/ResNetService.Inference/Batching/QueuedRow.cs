using System.Buffers;
using System.Diagnostics;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Batching;

/// <summary>
/// A row waiting for the model. Its buffer belongs to the batcher until <see cref="Release"/>. Whoever claims it
/// first owns it: the consumer (<see cref="TryTake"/>), or its caller's cancellation, which gives back its room in
/// the queue and its buffer at once, so that a client that went away holds nothing while the model is busy.
/// </summary>
internal sealed class QueuedRow
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

    /// <summary>Gives back the buffer of a row that will not run, and fails its caller with <paramref name="error"/>.</summary>
    public void FailUnrun(Exception error)
    {
        Release();
        Fail(error);
    }

    public void Fail(Exception error)
    {
        Completion.TrySetException(error);
        _cancellation.Dispose();
    }
}
