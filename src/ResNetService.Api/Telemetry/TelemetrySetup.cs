using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Api.Telemetry;

/// <summary>
/// Metrics and traces through OpenTelemetry's .NET SDK. Metrics: the service's own meter (<see cref="InferenceMetrics"/>),
/// ASP.NET Core's (request duration by route and status, Kestrel connections) and the runtime's (GC, memory, thread
/// pool), exposed at <see cref="MetricsPath"/> for Prometheus to scrape. Traces: ASP.NET Core's request spans with the
/// service's own (upload, preprocessing, queue wait, model run), made and exported over OTLP only when one of the
/// standard variables names an endpoint (<see cref="OtlpEndpoint"/>); the exporter reads the other <c>OTEL_*</c>
/// variables (protocol, headers, timeout) itself. Without an endpoint no span is made for nobody: requests still get
/// trace ids (ASP.NET Core starts an activity per request for logging), which logs and problem details carry.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";
    public const string ServiceName = "resnet-service";
    /// <summary>
    /// The runtime's own meter (GC, heap, thread pool, CPU time). Three of its gauges are left out: Prometheus's lint
    /// refuses their names (a gauge named <c>_count</c>), and assembly, CPU and timer counts say little about this service.
    /// </summary>
    public const string RuntimeMeter = "System.Runtime";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpTracesEndpointKey = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    public static IServiceCollection AddServiceTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, names the service instead.
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(ServiceName);
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(InferenceMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddMeter(RuntimeMeter)
                .AddView("dotnet.assembly.count", MetricStreamConfiguration.Drop)
                .AddView("dotnet.process.cpu.count", MetricStreamConfiguration.Drop)
                .AddView("dotnet.timer.count", MetricStreamConfiguration.Drop)
                .AddPrometheusExporter());

        if (OtlpEndpoint(configuration) is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(ApiActivities.SourceName, InferenceActivities.SourceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsMachinePolled(context.Request.Path))
                .AddOtlpExporter(exporter =>
                {
                    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT itself, but not the traces' own variable (only
                    // UseOtlpExporter does): without this, spans would go to the default endpoint. Used as it is, as the
                    // specification says of a signal's own endpoint.
                    if (configuration[OtlpTracesEndpointKey] is { } traces && !string.IsNullOrWhiteSpace(traces))
                    {
                        exporter.Endpoint = new Uri(traces);
                    }
                }));
        }

        return services;
    }

    /// <summary>Prometheus's scraping endpoint at <see cref="MetricsPath"/>.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath);
        return endpoints;
    }

    /// <summary>Where traces go: the traces endpoint, else the endpoint of all signals; null when neither is set.</summary>
    public static string? OtlpEndpoint(IConfiguration configuration) =>
        new[] { configuration[OtlpTracesEndpointKey], configuration[OtlpEndpointKey] }.FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));

    /// <summary>
    /// Paths that probes and scrapers poll every few seconds: not traced, and logged at Debug, so that they do not
    /// bury the requests people send.
    /// </summary>
    public static bool IsMachinePolled(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health") || path.StartsWithSegments("/v2/health");
}
