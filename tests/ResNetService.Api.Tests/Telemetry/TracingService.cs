using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;
using ResNetService.Api.Telemetry;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// The service with trace export on: OTEL_EXPORTER_OTLP_ENDPOINT names a <see cref="FakeOtlpCollector"/>, and a
/// <see cref="SpanRecorder"/> sits in the same pipeline, so tests see the spans both as objects and on the wire.
/// </summary>
public sealed class TracingService : IAsyncLifetime
{
    public TestModel Model { get; } = new();

    public SpanRecorder Spans { get; } = new();

    public FakeOtlpCollector Collector { get; private set; } = null!;

    public ServiceFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Collector = await FakeOtlpCollector.StartAsync();
        Factory = new Traced(Model.Path, Spans, new Dictionary<string, string?>
        {
            [TelemetrySetup.OtlpEndpointKey] = Collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        await Factory.WaitUntilReadyAsync();
        Client = Factory.CreateClient();
    }

    /// <summary>A request that carries a W3C traceparent of a new trace, as a traced caller would send it.</summary>
    public static (HttpRequestMessage Request, ActivityTraceId TraceId) TracedRequest(HttpMethod method, string uri, HttpContent? content = null)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        return (request, traceId);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Collector.DisposeAsync();
        Model.Dispose();
    }

    private sealed class Traced(string modelPath, SpanRecorder spans, IReadOnlyDictionary<string, string?> overrides)
        : ServiceFactory(modelPath, overrides)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(spans)));
        }
    }
}
