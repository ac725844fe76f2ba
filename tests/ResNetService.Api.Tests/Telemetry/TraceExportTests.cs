using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using ResNetService.Api.Telemetry;
using ResNetService.Api.Tests.Support;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// Traces are made and exported only when a standard OTLP variable names an endpoint. An in-memory exporter sits in the
/// service's tracing pipeline beside the OTLP one, so that a test sees what a request really exports: which spans, with
/// which attributes, under which parents and with which links.
/// </summary>
[Collection(TelemetryTestCollection.Name)]
public sealed class TraceExportTests
{
    [Fact]
    public async Task Without_an_otlp_endpoint_a_request_exports_no_span()
    {
        using var model = new TestModel();
        var exported = new ExportedSpans();
        await using var service = new ExportingService(model.Path, exported, new Dictionary<string, string?>());
        await service.WaitUntilReadyAsync();
        using var client = service.CreateClient();

        var (request, _, _) = TracedClassify();
        using (request)
        using (var response = await client.SendAsync(request))
        {
            await Requests.EnsureSuccessAsync(response);
        }

        // Upload, preprocessing, queue wait and model run end before the answer is written: had they been made and
        // exported, the exporter would hold them by now.
        Assert.Null(service.Services.GetService<TracerProvider>());
        Assert.Empty(exported.Snapshot());
    }

    [Theory]
    [InlineData(TelemetrySetup.OtlpEndpointKey, "")] // the exporter adds /v1/traces itself
    [InlineData(TelemetrySetup.OtlpTracesEndpointKey, "/v1/traces")] // used as it is
    public async Task With_an_otlp_endpoint_a_request_exports_its_spans_named_tagged_and_linked(string key, string path)
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        using var model = new TestModel();
        var exported = new ExportedSpans();
        await using var service = new ExportingService(model.Path, exported, new Dictionary<string, string?>
        {
            [key] = collector.Endpoint + path,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        await service.WaitUntilReadyAsync();
        using var client = service.CreateClient();

        var (request, traceId, caller) = TracedClassify();
        using (request)
        using (var response = await client.SendAsync(request))
        {
            await Requests.EnsureSuccessAsync(response);
        }

        // The request's span ends after its answer is sent.
        var server = await exported.WaitForAsync(span => span.TraceId == traceId && span.Kind == ActivityKind.Server, "server span");
        var spans = exported.Snapshot();
        Assert.Equal(caller, server.ParentSpanId);
        Assert.Equal("POST /classify", server.DisplayName);
        Assert.Equal("/classify", server.GetTagItem("http.route"));
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));

        var trace = spans.Where(span => span.TraceId == traceId).ToList();
        Assert.Equal(4, trace.Count);
        var upload = Assert.Single(trace, span => span.OperationName == ApiActivities.ReadUpload);
        var preprocess = Assert.Single(trace, span => span.OperationName == InferenceActivities.Preprocess);
        var wait = Assert.Single(trace, span => span.OperationName == InferenceActivities.QueueWait);
        Assert.All([upload, preprocess, wait], span => Assert.Equal(server.SpanId, span.ParentSpanId));

        // The model run is a trace of its own, linked both ways with the row's queue wait.
        var run = Assert.Single(spans, span => span.OperationName == InferenceActivities.ModelRun);
        Assert.NotEqual(traceId, run.TraceId);
        Assert.Equal(default, run.ParentSpanId);
        Assert.Equal(1, run.GetTagItem(InferenceActivities.BatchSizeTag));
        Assert.Equal(wait.SpanId, Assert.Single(run.Links).Context.SpanId);
        Assert.Equal(run.SpanId, Assert.Single(wait.Links).Context.SpanId);
        Assert.All([preprocess, wait, run], span =>
        {
            Assert.Equal(model.Name, span.GetTagItem(InferenceMetrics.ModelTag));
            Assert.Equal(1L, span.GetTagItem(InferenceMetrics.VersionTag));
        });
        Assert.All(spans, span => Assert.Equal(ActivityStatusCode.Unset, span.Status));

        // The same spans go out over OTLP to the endpoint the variable names.
        Assert.True(service.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000), "The exporters did not flush within 30 s.");
        Assert.True(collector.Received(traceId.ToHexString()), "No export to the collector carried the request's trace.");
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(" ", "", null)]
    [InlineData("http://collector:4317", null, "http://collector:4317")]
    [InlineData("http://collector:4317", "http://traces:4318/v1/traces", "http://traces:4318/v1/traces")]
    public void The_traces_endpoint_wins_over_the_endpoint_of_all_signals(string? all, string? traces, string? expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetrySetup.OtlpEndpointKey] = all,
            [TelemetrySetup.OtlpTracesEndpointKey] = traces,
        }).Build();

        Assert.Equal(expected, TelemetrySetup.OtlpEndpoint(configuration));
    }

    /// <summary>A /classify request sent from a traced caller: a W3C traceparent of a new trace and the caller's span.</summary>
    private static (HttpRequestMessage Request, ActivityTraceId TraceId, ActivitySpanId Caller) TracedClassify()
    {
        var (traceId, caller) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        var request = new HttpRequestMessage(HttpMethod.Post, "/classify") { Content = Requests.RawBody(TestImages.Png(1)) };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{caller.ToHexString()}-01");
        return (request, traceId, caller);
    }

    /// <summary>The service with an in-memory exporter in its tracing pipeline, when it has one.</summary>
    private sealed class ExportingService(string modelPath, ExportedSpans exported, IReadOnlyDictionary<string, string?> overrides)
        : ServiceFactory(modelPath, overrides)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported)));
        }
    }
}
