using Microsoft.Extensions.Time.Testing;
using ResNetService.Inference.Batching;
using ResNetService.TestSupport;

namespace ResNetService.Inference.Tests.Overload;

/// <summary>
/// The batcher under overload: the cheap room check, the queue deadline, and the room of callers that went away.
/// Every test holds the model at a gate and moves a fake clock: nothing depends on the speed of the machine.
/// </summary>
public sealed class BatcherOverloadTests
{
    private static float[] Row(DynamicBatcher batcher, float id)
    {
        var row = batcher.RentRow();
        row[0] = id;
        return row;
    }

    /// <summary>One row running (held at the gate) and <paramref name="queued"/> waiting behind it, in that order.</summary>
    private static async Task<(Task<BatchRowResult> Running, List<Task<BatchRowResult>> Queued)> HoldAsync(
        DynamicBatcher batcher, GatedModel model, int queued)
    {
        var running = batcher.RunAsync(Row(batcher, 1));
        await model.EnteredAsync();
        var waiting = Enumerable.Range(2, queued).Select(id => batcher.RunAsync(Row(batcher, id))).ToList();
        Assert.Equal(queued, batcher.Statistics.QueueLength);
        return (running, waiting);
    }

    [Fact]
    public async Task The_room_check_refuses_what_does_not_fit_now_and_counts_it_as_overload()
    {
        var model = new GatedModel();
        var options = new BatchingOptions { MaxBatchSize = 1, QueueCapacity = 3, MaxBatchDelay = TimeSpan.Zero, RetryAfter = TimeSpan.FromSeconds(4) };
        await using var batcher = new DynamicBatcher(model, options);
        var (running, queued) = await HoldAsync(batcher, model, 2);

        batcher.EnsureRoom(1); // one place left
        var full = Assert.Throws<OverloadedException>(() => batcher.EnsureRoom(2));
        Assert.Equal(TimeSpan.FromSeconds(4), full.RetryAfter);
        Assert.Equal(1, batcher.Statistics.Overloaded);
        var never = Assert.Throws<TooManyRowsException>(() => batcher.EnsureRoom(4)); // a request error, not overload
        Assert.Equal(3, never.QueueCapacity);
        Assert.Equal(1, batcher.Statistics.Overloaded);
        Assert.Equal(2, batcher.Statistics.QueueLength); // checking reserves nothing

        model.Open();
        await Task.WhenAll(queued.Append(running));
        batcher.EnsureRoom(3);
    }

    [Fact]
    public async Task A_request_is_admitted_while_its_wait_at_the_measured_time_per_image_fits_the_queue_timeout_and_refused_whole_otherwise()
    {
        var clock = new FakeTimeProvider();
        var model = new GatedModel().Taking(TimeSpan.FromMilliseconds(500), clock);
        var options = new BatchingOptions
        {
            MaxBatchSize = 1,
            QueueCapacity = 100, // far from the count: only the work decides here
            MaxBatchDelay = TimeSpan.Zero,
            QueueTimeout = TimeSpan.FromSeconds(2),
            RetryAfter = TimeSpan.FromSeconds(3),
        };
        await using var batcher = new DynamicBatcher(model, options, timeProvider: clock);
        model.Open();
        await batcher.RunAsync(Row(batcher, 1)); // measures 500 ms per image
        await model.EnteredAsync();
        Assert.Equal(TimeSpan.FromMilliseconds(500), batcher.Statistics.TimePerImage);
        model.Close();
        var (running, queued) = await HoldAsync(batcher, model, 0);

        var three = batcher.RunManyAsync([Row(batcher, 2), Row(batcher, 3), Row(batcher, 4)]); // 1.5 s of work
        var refused = Assert.Throws<OverloadedException>(() => batcher.RunManyAsync([Row(batcher, 8), Row(batcher, 9)])); // 2.5 s
        Assert.Equal(TimeSpan.FromSeconds(3), refused.RetryAfter);
        Assert.Contains("2500 ms", refused.Message);
        Assert.Contains("queue timeout of 2000 ms", refused.Message);
        Assert.Equal(3, batcher.Statistics.QueueLength); // refused whole: none of its rows was queued
        var last = batcher.RunAsync(Row(batcher, 5)); // 2 s: exactly the timeout
        Assert.Throws<OverloadedException>(() => batcher.EnsureRoom(1));
        Assert.Equal(2, batcher.Statistics.Overloaded);

        model.Open();
        await Task.WhenAll(three.Append(last).Append(running).Concat(queued));
        Assert.Equal(TimeSpan.FromSeconds(2), (await last).QueueTime); // served at the limit: one more would have timed out
        Assert.Equal([[1f], [1f], [2f], [3f], [4f], [5f]], model.Batches);
    }

    [Fact]
    public async Task A_request_that_finds_the_queue_empty_is_admitted_even_after_a_run_slower_than_the_timeout()
    {
        var clock = new FakeTimeProvider();
        var model = new GatedModel().Taking(TimeSpan.FromSeconds(10), clock);
        var options = new BatchingOptions { MaxBatchSize = 1, MaxBatchDelay = TimeSpan.Zero, QueueTimeout = TimeSpan.FromSeconds(5) };
        await using var batcher = new DynamicBatcher(model, options, timeProvider: clock);
        model.Open();
        await batcher.RunAsync(Row(batcher, 1)); // 10 s per image, twice the timeout

        batcher.EnsureRoom(1); // nothing queued: it waits only for the run in progress, and its run measures again
        await batcher.RunAsync(Row(batcher, 2));
        Assert.Equal(2, batcher.Statistics.Images);
    }

    [Fact]
    public async Task Without_a_queue_timeout_admission_counts_images_only()
    {
        var clock = new FakeTimeProvider();
        var model = new GatedModel().Taking(TimeSpan.FromHours(1), clock);
        var options = new BatchingOptions { MaxBatchSize = 1, QueueCapacity = 3, MaxBatchDelay = TimeSpan.Zero, QueueTimeout = TimeSpan.Zero };
        await using var batcher = new DynamicBatcher(model, options, timeProvider: clock);
        model.Open();
        await batcher.RunAsync(Row(batcher, 1));
        await model.EnteredAsync();
        model.Close();

        var (running, queued) = await HoldAsync(batcher, model, 3); // three hours of work queued
        Assert.Throws<OverloadedException>(() => batcher.EnsureRoom(1)); // the count, not the hours
        model.Open();
        await Task.WhenAll(queued.Append(running));
    }

    [Fact]
    public async Task Rows_that_waited_longer_than_the_queue_timeout_are_not_run()
    {
        var model = new GatedModel();
        var clock = new FakeTimeProvider();
        var options = new BatchingOptions
        {
            MaxBatchSize = 1,
            QueueCapacity = 4,
            MaxBatchDelay = TimeSpan.Zero,
            QueueTimeout = TimeSpan.FromSeconds(5),
            RetryAfter = TimeSpan.FromSeconds(2),
        };
        await using var batcher = new DynamicBatcher(model, options, timeProvider: clock);
        var (running, queued) = await HoldAsync(batcher, model, 1); // row 2 queued at 0 s
        clock.Advance(TimeSpan.FromSeconds(3));
        var later = batcher.RunAsync(Row(batcher, 3)); // queued at 3 s
        clock.Advance(TimeSpan.FromSeconds(2.5)); // row 2 has waited 5.5 s, row 3 2.5 s

        model.Open();
        var timedOut = await Assert.ThrowsAsync<QueueTimeoutException>(() => queued[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), timedOut.RetryAfter);
        Assert.Contains("5500 ms", timedOut.Message);
        var result = await later;
        await running;

        Assert.Equal(TimeSpan.FromSeconds(2.5), result.QueueTime); // measured on the batcher's clock
        Assert.Equal([[1f], [3f]], model.Batches); // row 2 never reached the model
        Assert.Equal(0, batcher.Statistics.QueueLength);
    }

    [Fact]
    public async Task A_queue_timeout_of_zero_lets_rows_wait_as_long_as_it_takes()
    {
        var model = new GatedModel();
        var clock = new FakeTimeProvider();
        var options = new BatchingOptions { MaxBatchSize = 1, MaxBatchDelay = TimeSpan.Zero, QueueTimeout = TimeSpan.Zero };
        await using var batcher = new DynamicBatcher(model, options, timeProvider: clock);
        var (running, queued) = await HoldAsync(batcher, model, 1);

        clock.Advance(TimeSpan.FromHours(3));
        model.Open();

        Assert.Equal(TimeSpan.FromHours(3), (await queued[0]).QueueTime);
        await running;
    }

    [Fact]
    public async Task Rows_of_callers_that_went_away_give_back_their_room_at_once_and_are_never_run()
    {
        var model = new GatedModel();
        var options = new BatchingOptions { MaxBatchSize = 8, QueueCapacity = 3, MaxBatchDelay = TimeSpan.Zero };
        await using var batcher = new DynamicBatcher(model, options);
        var running = batcher.RunAsync(Row(batcher, 1));
        await model.EnteredAsync();
        using var gone = new CancellationTokenSource();
        var abandoned = new[] { batcher.RunAsync(Row(batcher, 2), gone.Token), batcher.RunAsync(Row(batcher, 3), gone.Token) };
        var live = batcher.RunAsync(Row(batcher, 4));
        Assert.Throws<OverloadedException>(() => batcher.EnsureRoom(1));

        await gone.CancelAsync();

        Assert.Equal(1, batcher.Statistics.QueueLength); // while the model is still busy
        var after = new[] { batcher.RunAsync(Row(batcher, 5)), batcher.RunAsync(Row(batcher, 6)) }; // in the room they left
        foreach (var call in abandoned)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        model.Open();
        await Task.WhenAll(after.Append(live).Append(running));
        Assert.Equal([[1f], [4f, 5f, 6f]], model.Batches);
        Assert.Equal(0, batcher.Statistics.QueueLength);
    }

    [Fact]
    public async Task A_row_whose_caller_went_away_while_its_batch_was_gathering_is_not_run()
    {
        var model = new GatedModel();
        model.Open();
        var clock = new FakeTimeProvider();
        var options = new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromSeconds(1), QueueTimeout = TimeSpan.Zero };
        await using var batcher = new DynamicBatcher(model, options, timeProvider: clock);
        using var gone = new CancellationTokenSource();
        var live = batcher.RunAsync(Row(batcher, 1));
        var abandoned = batcher.RunAsync(Row(batcher, 2), gone.Token);
        await WaitUntilAsync(() => batcher.Statistics.QueueLength == 0); // both taken: the batch waits for the clock

        await gone.CancelAsync();
        clock.Advance(options.MaxBatchDelay);

        Assert.Equal(1, (await live.WaitAsync(TimeSpan.FromSeconds(30))).BatchSize);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal([[1f]], model.Batches);
    }

    [Fact]
    public async Task A_refused_request_leaves_the_queue_as_it_was_even_when_it_was_already_cancelled()
    {
        var model = new GatedModel();
        var options = new BatchingOptions { MaxBatchSize = 1, QueueCapacity = 2, MaxBatchDelay = TimeSpan.Zero };
        await using var batcher = new DynamicBatcher(model, options);
        var (running, queued) = await HoldAsync(batcher, model, 1);
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batcher.RunAsync(Row(batcher, 9), gone.Token));

        Assert.Equal(1, batcher.Statistics.QueueLength);
        model.Open();
        await Task.WhenAll(queued.Append(running));
        Assert.Equal([[1f], [2f]], model.Batches);
    }

    [Theory]
    [InlineData(0.5)] // below a timer tick: the real clock would spin, a test's clock must not
    [InlineData(600_000)] // ten minutes: only a moved clock ends it within the test's bounded wait
    public async Task The_batch_delay_runs_on_the_batchers_clock(double delayMs)
    {
        var model = new GatedModel();
        model.Open();
        var clock = new FakeTimeProvider();
        // No queue deadline: the clock jumps by the whole delay, and the second row may be taken after the jump.
        var options = new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromMilliseconds(delayMs), QueueTimeout = TimeSpan.Zero };
        await using var batcher = new DynamicBatcher(model, options, timeProvider: clock);

        var first = batcher.RunAsync(Row(batcher, 1));
        await WaitUntilAsync(() => batcher.Statistics.QueueLength == 0); // taken: its batch is gathering
        var second = batcher.RunAsync(Row(batcher, 2));
        Assert.False(first.IsCompleted);
        clock.Advance(options.MaxBatchDelay);

        var results = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.Equal(2, r.BatchSize));
        Assert.Equal([[1f, 2f]], model.Batches);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the condition never became true");
    }
}
