using ResNetService.Api.Problems;
using ResNetService.Api.Telemetry;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ResNetService.Api.Hosting;

/// <summary>
/// Serilog for the whole service: levels from the <c>Serilog</c> configuration section, human-readable console
/// lines by default, compact JSON (one event per line, for log shippers) when <c>Logging:Json</c> is true.
/// </summary>
public static class LoggingSetup
{
    public const string JsonSwitch = "Logging:Json";

    internal const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {TraceId}{NewLine}{Exception}";

    public static IServiceCollection AddServiceLogging(this IServiceCollection services) =>
        // Configured from the built host's configuration, so test hosts that override settings are honoured. The host
        // keeps its logger to itself (the static Log.Logger is left alone), so that hosts sharing a process, as tests
        // do, never write into each other's sinks.
        services.AddSerilog((provider, logger) =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            logger.ReadFrom.Configuration(configuration)
                .ReadFrom.Services(provider)
                .Enrich.FromLogContext()
                .Filter.ByExcluding(IsHealthCheckResult)
                .Filter.ByExcluding(IsUnreadableGrpcMessage);

            if (configuration.GetValue<bool>(JsonSwitch))
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        }, preserveStaticLogger: true);

    /// <summary>One line per request: method, path, status, elapsed time and request id.</summary>
    public static IApplicationBuilder UseServiceRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>(); // the host's own, not the static one
            options.MessageTemplate =
                "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms (request {RequestId})";
            options.EnrichDiagnosticContext = (diagnostics, httpContext) =>
                diagnostics.Set("RequestId", httpContext.TraceIdentifier);
            options.GetLevel = RequestLevel;
        });

    /// <summary>
    /// The level of a request's line: Error for an exception or a 5xx, except a 503 for overload or a model not ready
    /// (expected under load: Debug, see <see cref="ExpectedUnavailability"/>) and a probe's 503 (not ready while models
    /// load or the service drains: the probe's answer says so); Debug for the health and metrics endpoints, which probes
    /// and scrapers hit every few seconds; Information for the rest.
    /// </summary>
    public static LogEventLevel RequestLevel(HttpContext httpContext, double elapsedMs, Exception? exception) =>
        exception is null && ExpectedUnavailability.IsMarked(httpContext) ? LogEventLevel.Debug
        : exception is null && IsProbeAnswer(httpContext) ? LogEventLevel.Debug
        : exception is not null || httpContext.Response.StatusCode >= 500 ? LogEventLevel.Error
        : TelemetrySetup.IsMachinePolled(httpContext.Request.Path) ? LogEventLevel.Debug
        : LogEventLevel.Information;

    /// <summary>A probe's "not ready" (503): an answer about the service's state, not a failure of the service.</summary>
    private static bool IsProbeAnswer(HttpContext httpContext) =>
        TelemetrySetup.IsMachinePolled(httpContext.Request.Path) && httpContext.Response.StatusCode is StatusCodes.Status503ServiceUnavailable;

    /// <summary>
    /// ASP.NET Core's health check service logs every unhealthy check of every probe at Error and every degraded one at
    /// Warning: dozens of lines while models load, and one per probe for as long as a model cannot serve. The probe's
    /// answer carries the same facts, and the models' own lines (a refused file: one Warning) say what happened; a check
    /// that throws is still logged.
    /// </summary>
    internal static bool IsHealthCheckResult(LogEvent logEvent) =>
        logEvent.Exception is null && From(logEvent, "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService");

    /// <summary>
    /// grpc-dotnet logs a request message it cannot parse (bytes that are no protobuf) as an Error of the service, and
    /// answers the client UNKNOWN with the reason. It is the client's mistake, answered, not a failure of the service;
    /// an exception of any other kind is still logged.
    /// </summary>
    internal static bool IsUnreadableGrpcMessage(LogEvent logEvent) =>
        logEvent.Exception is Google.Protobuf.InvalidProtocolBufferException && From(logEvent, "Grpc.AspNetCore.Server.ServerCallHandler");

    private static bool From(LogEvent logEvent, string sourceContext) =>
        logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string name } && name == sourceContext;
}
