using System.Diagnostics;

namespace ResNetService.Benchmarks.Load;

/// <summary>What a client does when it is answered 503.</summary>
public enum RetryBehaviour
{
    /// <summary>Sends nothing until Retry-After (plus up to half of it again, at random) has passed, then resends the image.</summary>
    HonourRetryAfter,

    /// <summary>Resends the image at once, on its own connection, until it is accepted.</summary>
    IgnoreRetryAfter,
}

/// <summary>The two ways load is applied: a fixed number of callers (capacity), and arrivals on a schedule (overload).</summary>
public static class LoadPhases
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Closed loop: <paramref name="callers"/> callers each send the next image as soon as the last is answered, until
    /// the window ends. The load follows the service's speed, so it measures what the service can answer.
    /// </summary>
    public static async Task<Tally> ClosedLoopAsync(ClassifySender sender, byte[][] images, int callers, PhaseWindow window)
    {
        var tallies = await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var tally = new Tally(window);
            for (var image = caller; Stopwatch.GetTimestamp() < window.End; image += callers)
            {
                tally.Record(await sender.ClassifyAsync(images[image % images.Length], ImageMediaType.Jpeg));
            }

            return tally;
        })));
        return Tally.Merge(window, tallies);
    }

    /// <summary>
    /// Open loop: images arrive at <paramref name="imagesPerSecond"/> whatever the service answers, shared by
    /// <paramref name="clients"/> virtual clients, each with its own Poisson schedule (exponential gaps, mean
    /// clients / rate). A client sends one request at a time on its own connection; an image that arrives while the
    /// client is still busy is sent as soon as it is free (the client catches up on its schedule).
    /// </summary>
    public static async Task<Tally> OpenLoopAsync(
        ClassifySender sender, byte[][] images, double imagesPerSecond, int clients, RetryBehaviour behaviour, PhaseWindow window, int seed)
    {
        var meanGapTicks = clients / imagesPerSecond * Stopwatch.Frequency;
        var tallies = await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(() =>
            VirtualClientAsync(sender, images, client, new Random(seed * 100_003 + client), meanGapTicks, behaviour, window))));
        return Tally.Merge(window, tallies);
    }

    private static async Task<Tally> VirtualClientAsync(
        ClassifySender sender, byte[][] images, int client, Random random, double meanGapTicks, RetryBehaviour behaviour, PhaseWindow window)
    {
        long Gap() => (long)(-Math.Log(1 - random.NextDouble()) * meanGapTicks);

        var tally = new Tally(window);
        var image = client;
        var arrival = window.Start + Gap(); // When the next image not yet sent arrives.
        var next = arrival; // When the next request goes out: that image, or a retry of a refused one.
        var retrying = false;
        while (next < window.End)
        {
            await DelayUntilAsync(next);
            if (!retrying)
            {
                image++;
                arrival += Gap();
            }

            var outcome = await sender.ClassifyAsync(images[image % images.Length], ImageMediaType.Jpeg);
            tally.Record(outcome, retry: retrying);
            retrying = outcome.Rejected;
            if (!retrying)
            {
                next = arrival;
            }
            else if (behaviour == RetryBehaviour.IgnoreRetryAfter)
            {
                next = outcome.AnsweredAt;
            }
            else
            {
                // Honoured: nothing goes out during the wait; the images that arrive meanwhile are not sent (a real
                // client would fail them, or send them to another replica). Then the refused image is sent again.
                var wait = (outcome.RetryAfter ?? DefaultRetryAfter) * (1 + 0.5 * random.NextDouble());
                next = outcome.AnsweredAt + PhaseWindow.Ticks(wait.TotalSeconds);
                while (arrival < next)
                {
                    tally.HoldBack(arrival);
                    arrival += Gap();
                }
            }
        }

        return tally;
    }

    private static Task DelayUntilAsync(long timestamp)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
    }
}
