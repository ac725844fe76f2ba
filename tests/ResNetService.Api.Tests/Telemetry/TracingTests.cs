using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using ResNetService.Api.Telemetry;
using ResNetService.Api.Tests.Support;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// With OTLP export on: a request's trace holds its upload, preprocessing and queue-wait spans; the model run is a
/// span of its own, linked with each row's queue wait; the spans reach the collector; probes and scrapes make none.
/// </summary>
[Collection(TelemetryTestCollection.Name)]
public sealed class TracingTests(TracingService service) : IClassFixture<TracingService>
{
    [Fact]
    public async Task A_requests_trace_holds_its_upload_preprocessing_and_queue_wait_linked_with_its_model_run()
    {
        var (request, traceId) = TracingService.TracedRequest(HttpMethod.Post, "/classify", Requests.RawBody(TestImages.Png(1)));
        using (request)
        using (var response = await service.Client.SendAsync(request))
        {
            await Requests.EnsureSuccessAsync(response);
        }

        var spans = await WaitForSpansAsync(traceId, 4);
        var server = Assert.Single(spans, span => span.Kind == ActivityKind.Server);
        Assert.Equal("POST /classify", server.DisplayName);
        var upload = Assert.Single(spans, span => span.OperationName == ApiActivities.ReadUpload);
        var preprocess = Assert.Single(spans, span => span.OperationName == InferenceActivities.Preprocess);
        var wait = Assert.Single(spans, span => span.OperationName == InferenceActivities.QueueWait);
        Assert.All([upload, preprocess, wait], span => Assert.Equal(server.SpanId, span.ParentSpanId));
        Assert.True(upload.StartTimeUtc <= preprocess.StartTimeUtc && preprocess.StartTimeUtc <= wait.StartTimeUtc);

        // The model run belongs to no request: a trace of its own, linked both ways with the row's queue wait.
        var run = Assert.Single(service.Spans.Ended, span =>
            span.OperationName == InferenceActivities.ModelRun && span.Links.Any(link => link.Context.SpanId == wait.SpanId));
        Assert.NotEqual(traceId, run.TraceId);
        Assert.Equal(default, run.ParentSpanId);
        Assert.Equal(1, run.GetTagItem(InferenceActivities.BatchSizeTag));
        Assert.Equal(run.SpanId, Assert.Single(wait.Links).Context.SpanId);
        // The wait ends as the run starts.
        Assert.Equal(run.StartTimeUtc, wait.StartTimeUtc + wait.Duration, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task The_rows_of_a_batch_request_each_wait_in_the_queue_under_the_same_request()
    {
        using var content = Requests.Multipart("images", TestImages.Png(2), TestImages.Png(3), TestImages.Garbage());
        var (request, traceId) = TracingService.TracedRequest(HttpMethod.Post, "/classify/batch", content);
        using (request)
        using (var response = await service.Client.SendAsync(request))
        {
            await Requests.EnsureSuccessAsync(response);
        }

        var spans = await WaitForSpansAsync(traceId, 7);
        var server = Assert.Single(spans, span => span.Kind == ActivityKind.Server);
        var preprocessing = spans.Where(span => span.OperationName == InferenceActivities.Preprocess).ToList();
        Assert.Equal(3, preprocessing.Count);
        var failed = Assert.Single(preprocessing, span => span.Status == ActivityStatusCode.Error);
        Assert.Equal("not_an_image", failed.GetTagItem(InferenceMetrics.ErrorTypeTag));
        var waits = spans.Where(span => span.OperationName == InferenceActivities.QueueWait).ToList();
        Assert.Equal(2, waits.Count);
        Assert.All(waits, wait => Assert.Equal(server.SpanId, wait.ParentSpanId));
        Assert.All(waits, wait => Assert.Contains(service.Spans.Ended, span =>
            span.OperationName == InferenceActivities.ModelRun && span.Links.Any(link => link.Context.SpanId == wait.SpanId)));
    }

    [Fact]
    public async Task The_spans_reach_the_otlp_collector()
    {
        var (request, traceId) = TracingService.TracedRequest(HttpMethod.Post, "/classify", Requests.RawBody(TestImages.Png(4)));
        using (request)
        using (var response = await service.Client.SendAsync(request))
        {
            await Requests.EnsureSuccessAsync(response);
        }

        await WaitForSpansAsync(traceId, 4);
        var tracer = service.Factory.Services.GetRequiredService<TracerProvider>();
        Assert.True(tracer.ForceFlush(30_000), "The exporter did not flush within 30 s.");

        Assert.True(service.Collector.Received(traceId.ToHexString()), "No export to the collector carried the request's trace.");
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/health/ready")]
    [InlineData("/v2/health/live")]
    public async Task Scrapes_and_probes_are_not_traced(string path)
    {
        var (probe, probeTrace) = TracingService.TracedRequest(HttpMethod.Get, path);
        var (classify, classifyTrace) = TracingService.TracedRequest(HttpMethod.Post, "/classify", Requests.RawBody(TestImages.Png(5)));
        using (probe)
        using (var response = await service.Client.SendAsync(probe))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A request sent after it is traced, and its server span ends after the probe's would have.
        using (classify)
        using (var response = await service.Client.SendAsync(classify))
        {
            await Requests.EnsureSuccessAsync(response);
        }

        await WaitForSpansAsync(classifyTrace, 4);
        Assert.Empty(service.Spans.InTrace(probeTrace));
    }

    /// <summary>Waits (bounded) until the trace has at least <paramref name="count"/> ended spans, and returns them.</summary>
    private async Task<IReadOnlyList<Activity>> WaitForSpansAsync(ActivityTraceId traceId, int count)
    {
        for (var attempt = 0; attempt < 300 && service.Spans.InTrace(traceId).Count < count; attempt++)
        {
            await Task.Delay(100);
        }

        var spans = service.Spans.InTrace(traceId);
        Assert.True(spans.Count >= count,
            $"Expected {count} spans in the trace, found: {string.Join(", ", spans.Select(span => span.DisplayName))}");
        return spans;
    }
}
