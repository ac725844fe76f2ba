using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace ResNetService.Api.Shutdown;

/// <summary>
/// The steps of a stop (SIGTERM, Ctrl+C, StopApplication): readiness turns false at once; the server keeps accepting and
/// answering for <see cref="ShutdownOptions.AcceptDelay"/>, while load balancers take the replica out; then it stops
/// accepting, and the requests it has (queued or running) finish within <see cref="ShutdownOptions.DrainTimeout"/>;
/// then the models are unloaded. One log line per step.
/// </summary>
/// <remarks>
/// The host calls every <see cref="StoppingAsync"/> before any <c>StopAsync</c>, and stops hosted services in the reverse
/// order of their registration. The web server is registered last (WebApplicationBuilder adds it at Build), so it stops
/// first: it unbinds, then waits for its requests until the host's shutdown time runs out. This service is registered
/// after the model loaders, so its <see cref="StopAsync"/> runs after the drain and before the models are unloaded.
/// </remarks>
public sealed class GracefulShutdown(
    IOptions<ShutdownOptions> options,
    RequestsInFlight requests,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    private int _stopping;
    private long _drainStarted;
    private long _finishedBeforeDrain;

    /// <summary>True from the moment the host is asked to stop (StopApplication fires before the host's own stop).</summary>
    public bool IsStopping => Volatile.Read(ref _stopping) == 1 || lifetime.ApplicationStopping.IsCancellationRequested;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            return; // A host stopped twice (a test host disposed after it stopped) waits once.
        }

        var acceptDelay = options.Value.AcceptDelay;
        logger.LogInformation("Shutting down: readiness is off; still accepting requests for {AcceptDelay}", acceptDelay);
        if (acceptDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(acceptDelay, clock, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host's shutdown time ran out (it covers the delay, so only when stopped by force): stop now.
            }
        }

        _drainStarted = Stopwatch.GetTimestamp();
        _finishedBeforeDrain = requests.Finished;
        logger.LogInformation(
            "Accepting stopped: draining {Running} requests in flight for up to {DrainTimeout}", requests.Running, options.Value.DrainTimeout);
    }

    /// <summary>Runs once the server has stopped: it has drained its requests, or the host's shutdown time ran out.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        var drainStarted = Interlocked.Exchange(ref _drainStarted, 0);
        if (drainStarted == 0)
        {
            return Task.CompletedTask; // Stopped a second time, or never started stopping (a failed start).
        }

        var drained = requests.Finished - _finishedBeforeDrain;
        var elapsed = Stopwatch.GetElapsedTime(drainStarted);
        var left = requests.Running;
        if (left == 0 && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Drained {Drained} requests in {Elapsed:0.0} s; unloading the models", drained, elapsed.TotalSeconds);
        }
        else
        {
            logger.LogWarning(
                "The drain timed out after {Elapsed:0.0} s: {Drained} requests answered, {Left} cut off; unloading the models",
                elapsed.TotalSeconds, drained, left);
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
