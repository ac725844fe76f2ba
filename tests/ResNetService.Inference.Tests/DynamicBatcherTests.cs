using System.Collections.Concurrent;
using ResNetService.Inference.Batching;

namespace ResNetService.Inference.Tests;

public class DynamicBatcherTests
{
    /// <summary>Output row = (2 x first input, second input + 1); records batch sizes; can be held inside a run.</summary>
    private sealed class FakeModel : IBatchSession
    {
        public int InputLength => 4;
        public int OutputLength => 2;
        public ConcurrentQueue<int> BatchSizes { get; } = new();
        public ManualResetEventSlim Gate { get; } = new(true);
        public SemaphoreSlim Entered { get; } = new(0);
        public bool FailNext { get; set; }

        public void Run(Memory<float> input, int rows, Span<float> output)
        {
            Entered.Release();
            Gate.Wait(TimeSpan.FromSeconds(30));
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("model failed");
            }
            BatchSizes.Enqueue(rows);
            var span = input.Span;
            for (var r = 0; r < rows; r++)
            {
                output[2 * r] = 2 * span[4 * r];
                output[2 * r + 1] = span[4 * r + 1] + 1;
            }
        }
    }

    private static float[] Row(DynamicBatcher batcher, float a, float b)
    {
        var row = batcher.RentRow();
        row[0] = a;
        row[1] = b;
        return row;
    }

    private static async Task EnteredAsync(FakeModel model) =>
        Assert.True(await model.Entered.WaitAsync(TimeSpan.FromSeconds(30)), "the model run never started");

    [Fact]
    public async Task Concurrent_callers_each_get_their_own_row()
    {
        var model = new FakeModel();
        await using var batcher = new DynamicBatcher(model, new BatchingOptions { MaxBatchSize = 8, MaxBatchDelay = TimeSpan.FromMilliseconds(5) });

        var calls = Enumerable.Range(0, 50).Select(i => Task.Run(() => batcher.RunAsync(Row(batcher, i, -i)))).ToArray();
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal([2f * i, 1f - i], results[i].Output);
        }

        Assert.Equal(50, model.BatchSizes.Sum());
        Assert.All(model.BatchSizes, size => Assert.InRange(size, 1, 8));
        Assert.Equal(50, batcher.Statistics.Images);
        Assert.Equal(model.BatchSizes.Count, batcher.Statistics.Batches);
    }

    [Fact]
    public async Task Rows_arriving_together_share_one_model_run()
    {
        var model = new FakeModel();
        await using var batcher = new DynamicBatcher(model, new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromSeconds(20) });

        // The first row waits (up to 20 s) for company; the fourth fills the batch and it runs at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => batcher.RunAsync(Row(batcher, i, 0))));

        Assert.Equal([4], model.BatchSizes);
        Assert.All(results, r => Assert.Equal(4, r.BatchSize));
        Assert.Equal([0f, 2f, 4f, 6f], results.Select(r => r.Output[0]));
    }

    [Fact]
    public async Task Rows_queued_while_the_model_is_busy_form_the_next_batch()
    {
        var model = new FakeModel();
        model.Gate.Reset();
        await using var batcher = new DynamicBatcher(model, new BatchingOptions { MaxBatchSize = 8, MaxBatchDelay = TimeSpan.Zero });

        var first = batcher.RunAsync(Row(batcher, 1, 0));
        await EnteredAsync(model);
        var waiting = Enumerable.Range(2, 3).Select(i => batcher.RunAsync(Row(batcher, i, 0))).ToArray();
        model.Gate.Set();
        await Task.WhenAll(waiting.Append(first));

        Assert.Equal([1, 3], model.BatchSizes);
        Assert.Equal([4f, 6f, 8f], waiting.Select(t => t.Result.Output[0]));
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_all_or_nothing()
    {
        var model = new FakeModel();
        model.Gate.Reset();
        var options = new BatchingOptions { MaxBatchSize = 1, QueueCapacity = 2, MaxBatchDelay = TimeSpan.Zero, RetryAfter = TimeSpan.FromSeconds(3) };
        await using var batcher = new DynamicBatcher(model, options);

        var running = batcher.RunAsync(Row(batcher, 1, 0));
        await EnteredAsync(model);
        var queued = batcher.RunAsync(Row(batcher, 2, 0));

        var tooMany = Assert.Throws<OverloadedException>(() => batcher.RunManyAsync([Row(batcher, 3, 0), Row(batcher, 4, 0)]));
        Assert.Equal(1, batcher.Statistics.QueueLength); // nothing of the refused pair was queued
        var last = batcher.RunAsync(Row(batcher, 5, 0));
        var full = await Assert.ThrowsAsync<OverloadedException>(() => batcher.RunAsync(Row(batcher, 6, 0)));

        Assert.Equal(TimeSpan.FromSeconds(3), full.RetryAfter);
        Assert.Equal(2, batcher.Statistics.Overloaded);
        model.Gate.Set();
        Assert.Equal([2f, 4f, 10f], (await Task.WhenAll(running, queued, last)).Select(r => r.Output[0]));
    }

    [Fact]
    public async Task Stopping_while_a_batch_is_gathering_never_leaves_its_rows_waiting()
    {
        var model = new FakeModel();
        var batcher = new DynamicBatcher(model, new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromSeconds(30) });

        var gathering = batcher.RunAsync(Row(batcher, 1, 0)); // would wait up to 30 s for three more rows
        // Taken by the consumer (no longer queued) and not run: its batch is gathering, the case this test is about.
        for (var attempt = 0; attempt < 3000 && batcher.Statistics.QueueLength > 0; attempt++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(0, batcher.Statistics.QueueLength);
        Assert.Empty(model.BatchSizes);
        await batcher.DisposeAsync();

        // Either the gathered row still ran, or it was failed: what matters is that it did not wait the 30 s.
        var outcome = await Record.ExceptionAsync(() => gathering.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(outcome is null or ModelNotReadyException, $"unexpected outcome: {outcome}");
        Assert.Equal(outcome is null ? [1] : [], model.BatchSizes);
    }

    [Fact]
    public async Task More_rows_than_the_queue_can_ever_hold_are_a_caller_error_not_overload()
    {
        var model = new FakeModel();
        await using var batcher = new DynamicBatcher(model, new BatchingOptions { QueueCapacity = 2 });

        var error = Assert.Throws<TooManyRowsException>(() =>
            batcher.RunManyAsync([Row(batcher, 1, 0), Row(batcher, 2, 0), Row(batcher, 3, 0)]));

        Assert.Equal(2, error.QueueCapacity);
        Assert.Contains("QueueCapacity", error.Message);
        Assert.Equal(0, batcher.Statistics.Overloaded);
    }

    [Fact]
    public async Task A_cancelled_caller_leaves_the_others_unharmed()
    {
        var model = new FakeModel();
        model.Gate.Reset();
        await using var batcher = new DynamicBatcher(model, new BatchingOptions { MaxBatchSize = 8, MaxBatchDelay = TimeSpan.Zero });
        using var cancellation = new CancellationTokenSource();

        var running = batcher.RunAsync(Row(batcher, 1, 0));
        await EnteredAsync(model);
        var cancelled = batcher.RunAsync(Row(batcher, 2, 0), cancellation.Token);
        var other = batcher.RunAsync(Row(batcher, 3, 0));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        model.Gate.Set();
        Assert.Equal(2f, (await running).Output[0]);
        Assert.Equal(6f, (await other).Output[0]);
        Assert.Equal([1, 1], model.BatchSizes); // the cancelled row was never run
        Assert.Equal(8f, (await batcher.RunAsync(Row(batcher, 4, 0))).Output[0]);
    }

    [Fact]
    public async Task A_failed_model_run_fails_only_its_own_batch()
    {
        var model = new FakeModel { FailNext = true };
        await using var batcher = new DynamicBatcher(model, new BatchingOptions { MaxBatchSize = 8, MaxBatchDelay = TimeSpan.Zero });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.RunAsync(Row(batcher, 1, 0)));
        var after = await batcher.RunAsync(Row(batcher, 7, 0));

        Assert.Equal("model failed", failure.Message);
        Assert.Equal(14f, after.Output[0]);
    }

    [Fact]
    public async Task A_stopped_batcher_fails_waiting_callers_and_refuses_new_ones()
    {
        var model = new FakeModel();
        model.Gate.Reset();
        var batcher = new DynamicBatcher(model, new BatchingOptions { MaxBatchSize = 1, MaxBatchDelay = TimeSpan.Zero });

        var running = batcher.RunAsync(Row(batcher, 1, 0));
        await EnteredAsync(model);
        var waiting = batcher.RunAsync(Row(batcher, 2, 0));
        var stopping = batcher.DisposeAsync();
        model.Gate.Set();
        await stopping;

        Assert.Equal(2f, (await running).Output[0]);
        await Assert.ThrowsAsync<ModelNotReadyException>(() => waiting);
        await Assert.ThrowsAsync<ModelNotReadyException>(() => batcher.RunAsync(Row(batcher, 3, 0)));
    }

    [Fact]
    public async Task Draining_runs_the_queued_rows_and_refuses_new_ones()
    {
        var model = new FakeModel();
        model.Gate.Reset();
        await using var batcher = new DynamicBatcher(model, new BatchingOptions { MaxBatchSize = 1, MaxBatchDelay = TimeSpan.Zero });

        var running = batcher.RunAsync(Row(batcher, 1, 0));
        await EnteredAsync(model);
        var queued = Enumerable.Range(2, 2).Select(i => batcher.RunAsync(Row(batcher, i, 0))).ToArray();
        var draining = batcher.DrainAsync(CancellationToken.None);

        await Assert.ThrowsAsync<ModelNotReadyException>(() => batcher.RunAsync(Row(batcher, 9, 0)));
        Assert.False(draining.IsCompleted, "the drain ended with rows still queued");
        model.Gate.Set();
        await draining.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([2f, 4f, 6f], (await Task.WhenAll(queued.Prepend(running))).Select(r => r.Output[0]));
        Assert.Equal([1, 1, 1], model.BatchSizes);
    }

    [Fact]
    public async Task A_drain_cut_short_by_its_token_leaves_the_rest_to_fail_as_unloaded()
    {
        var model = new FakeModel();
        model.Gate.Reset();
        var batcher = new DynamicBatcher(model, new BatchingOptions { MaxBatchSize = 1, MaxBatchDelay = TimeSpan.Zero });
        using var shutdownTime = new CancellationTokenSource();

        var running = batcher.RunAsync(Row(batcher, 1, 0));
        await EnteredAsync(model);
        var waiting = batcher.RunAsync(Row(batcher, 2, 0));
        var draining = batcher.DrainAsync(shutdownTime.Token);
        await shutdownTime.CancelAsync();
        await draining.WaitAsync(TimeSpan.FromSeconds(30)); // returns although the model is still busy
        var stopping = batcher.DisposeAsync();
        model.Gate.Set();
        await stopping;

        Assert.Equal(2f, (await running).Output[0]);
        await Assert.ThrowsAsync<ModelNotReadyException>(() => waiting);
    }
}
