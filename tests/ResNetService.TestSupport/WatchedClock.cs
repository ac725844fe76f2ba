using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace ResNetService.TestSupport;

/// <summary>
/// A clock the test moves that also tells when code starts a timer on it, by the timer's due time. A test can then see
/// that something waits on the clock (a state the code is in) instead of waiting a while to see that nothing happened,
/// which on a slow machine passes whatever the code does.
/// </summary>
public sealed class WatchedClock : FakeTimeProvider
{
    private readonly ConcurrentQueue<(TimeSpan DueTime, TaskCompletionSource Started)> _watches = new();

    /// <summary>
    /// Completes once a timer due in <paramref name="dueTime"/> is started from now on (call it before the code that
    /// starts the timer runs, so that the timer cannot be missed).
    /// </summary>
    public Task TimerStartedAsync(TimeSpan dueTime)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _watches.Enqueue((dueTime, started));
        return started.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        foreach (var watch in _watches.Where(watch => watch.DueTime == dueTime))
        {
            watch.Started.TrySetResult();
        }

        return timer;
    }
}
