using System.Diagnostics;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Tests.Telemetry;

/// <summary>What the batcher measures and traces, per model version: every measurement carries its name and version.</summary>
public sealed class BatcherTelemetryTests
{
    private readonly string _name = $"batcher-{Guid.NewGuid():N}";

    /// <summary>Doubles each input row's first value; can be held inside a run, or made to fail.</summary>
    private sealed class GatedModel : IBatchSession
    {
        private readonly SemaphoreSlim _entered = new(0);

        public ManualResetEventSlim Gate { get; } = new(true);

        public bool Fail { get; set; }

        public int InputLength => 2;

        public int OutputLength => 1;

        public void Run(Memory<float> input, int rows, Span<float> output)
        {
            _entered.Release();
            Gate.Wait(TimeSpan.FromSeconds(30));
            if (Fail)
            {
                throw new InvalidOperationException("model failed");
            }

            for (var r = 0; r < rows; r++)
            {
                output[r] = 2 * input.Span[r * InputLength];
            }
        }

        public async Task EnteredAsync() => Assert.True(await _entered.WaitAsync(TimeSpan.FromSeconds(30)), "the model run never started");
    }

    private static float[] Row(DynamicBatcher batcher, float value)
    {
        var row = batcher.RentRow();
        row[0] = value;
        return row;
    }

    [Fact]
    public async Task A_model_run_records_its_images_batch_size_queue_waits_and_duration_under_the_models_name_and_version()
    {
        using var recorder = new TelemetryRecorder(_name);
        using var telemetry = new ModelTelemetry(_name, 3, "CPUExecutionProvider");
        await using var batcher = new DynamicBatcher(new GatedModel(),
            new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromSeconds(20) }, telemetry: telemetry);

        // The first row waits (up to 20 s) for company; the fourth fills the batch and it runs at once.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => batcher.RunAsync(Row(batcher, i))));

        Assert.Equal(4, Assert.Single(recorder.Of("resnet_service.images.classified")).Value);
        Assert.Equal(4, Assert.Single(recorder.Of("resnet_service.batch.size")).Value);
        Assert.Single(recorder.Of("resnet_service.inference.duration"));
        Assert.Equal(4, recorder.Of("resnet_service.queue.wait_time").Count);
        Assert.All(recorder.Of("resnet_service.images.classified").Concat(recorder.Of("resnet_service.queue.wait_time")),
            m => Assert.Equal(3L, m.Tags[InferenceMetrics.VersionTag]));
    }

    [Fact]
    public async Task A_full_queue_counts_the_refused_request_with_reason_queue_full()
    {
        using var recorder = new TelemetryRecorder(_name);
        using var telemetry = new ModelTelemetry(_name, 1, "CPUExecutionProvider");
        var model = new GatedModel();
        model.Gate.Reset();
        await using var batcher = new DynamicBatcher(model,
            new BatchingOptions { MaxBatchSize = 1, QueueCapacity = 1, MaxBatchDelay = TimeSpan.Zero }, telemetry: telemetry);
        telemetry.ObserveQueueLength(() => batcher.Statistics.QueueLength);

        var running = batcher.RunAsync(Row(batcher, 1));
        await model.EnteredAsync();
        var queued = batcher.RunAsync(Row(batcher, 2));
        await Assert.ThrowsAsync<OverloadedException>(() => batcher.RunAsync(Row(batcher, 3)));
        recorder.Observe();
        model.Gate.Set();
        await Task.WhenAll(running, queued);

        var rejected = Assert.Single(recorder.Of("resnet_service.requests.rejected"));
        Assert.Equal(1, rejected.Value);
        Assert.Equal("queue_full", rejected.Tags[InferenceMetrics.ReasonTag]);
        Assert.Equal(1, Assert.Single(recorder.Of("resnet_service.queue.length")).Value);
    }

    [Fact]
    public void The_serving_model_is_observed_with_its_provider_until_disposed()
    {
        using var recorder = new TelemetryRecorder(_name);
        var telemetry = new ModelTelemetry(_name, 2, "CUDAExecutionProvider");

        recorder.Observe();
        telemetry.Dispose();
        recorder.Observe();

        var info = Assert.Single(recorder.Of("resnet_service.model.info"));
        Assert.Equal(1, info.Value);
        Assert.Equal("CUDAExecutionProvider", info.Tags[InferenceMetrics.ProviderTag]);
        Assert.Equal(2L, info.Tags[InferenceMetrics.VersionTag]);
        Assert.Single(recorder.Of("resnet_service.queue.length")); // 0, without a queue to read
    }

    [Fact]
    public async Task Each_rows_queue_wait_is_a_span_of_its_caller_linked_both_ways_with_the_model_run()
    {
        using var recorder = new TelemetryRecorder(_name);
        using var telemetry = new ModelTelemetry(_name, 1, "CPUExecutionProvider");
        await using var batcher = new DynamicBatcher(new GatedModel(),
            new BatchingOptions { MaxBatchSize = 2, MaxBatchDelay = TimeSpan.FromSeconds(20) }, telemetry: telemetry);

        var callers = new List<Activity>();
        var rows = new List<Task<BatchRowResult>>();
        for (var i = 0; i < 2; i++)
        {
            using var caller = TelemetryRecorder.TestSource.StartActivity($"caller {i}")!;
            callers.Add(caller);
            rows.Add(batcher.RunAsync(Row(batcher, i)));
        }

        await Task.WhenAll(rows);

        var run = Assert.Single(recorder.Spans(InferenceActivities.ModelRun));
        Assert.Equal(default, run.ParentSpanId);
        Assert.Equal(2, run.GetTagItem(InferenceActivities.BatchSizeTag));
        var waits = recorder.Spans(InferenceActivities.QueueWait);
        Assert.Equal(2, waits.Count);
        foreach (var caller in callers)
        {
            var wait = Assert.Single(waits, span => span.ParentSpanId == caller.SpanId);
            Assert.Equal(caller.TraceId, wait.TraceId);
            Assert.Contains(run.Links, link => link.Context.SpanId == wait.SpanId && link.Context.TraceId == caller.TraceId);
            Assert.Equal(run.SpanId, Assert.Single(wait.Links).Context.SpanId);
            Assert.True(wait.StartTimeUtc <= run.StartTimeUtc);
        }
    }

    [Fact]
    public async Task A_row_without_a_traced_caller_has_no_queue_wait_span_but_its_wait_is_measured()
    {
        using var recorder = new TelemetryRecorder(_name);
        using var telemetry = new ModelTelemetry(_name, 1, "CPUExecutionProvider");
        await using var batcher = new DynamicBatcher(new GatedModel(), new BatchingOptions { MaxBatchDelay = TimeSpan.Zero }, telemetry: telemetry);
        Activity.Current = null;

        await batcher.RunAsync(Row(batcher, 1));

        var run = Assert.Single(recorder.Spans(InferenceActivities.ModelRun));
        Assert.Empty(run.Links);
        Assert.Empty(recorder.Spans(InferenceActivities.QueueWait));
        Assert.Single(recorder.Of("resnet_service.queue.wait_time"));
    }

    [Fact]
    public async Task A_failed_model_run_marks_its_span_and_counts_no_images()
    {
        using var recorder = new TelemetryRecorder(_name);
        using var telemetry = new ModelTelemetry(_name, 1, "CPUExecutionProvider");
        await using var batcher = new DynamicBatcher(new GatedModel { Fail = true }, new BatchingOptions { MaxBatchDelay = TimeSpan.Zero },
            telemetry: telemetry);

        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.RunAsync(Row(batcher, 1)));

        var run = Assert.Single(recorder.Spans(InferenceActivities.ModelRun));
        Assert.Equal(ActivityStatusCode.Error, run.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, run.GetTagItem(InferenceMetrics.ErrorTypeTag));
        Assert.Empty(recorder.Of("resnet_service.images.classified"));
    }
}
