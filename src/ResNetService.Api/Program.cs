using ResNetService.Api.Classification;
using ResNetService.Api.Embeddings;
using ResNetService.Api.Explanations;
using ResNetService.Api.Grpc;
using ResNetService.Api.Health;
using ResNetService.Api.Hosting;
using ResNetService.Api.ModelControl;
using ResNetService.Api.Models;
using ResNetService.Api.Overload;
using ResNetService.Api.OpenApi;
using ResNetService.Api.Page;
using ResNetService.Api.Problems;
using ResNetService.Api.Proxies;
using ResNetService.Api.RateLimiting;
using ResNetService.Api.Shutdown;
using ResNetService.Api.Telemetry;
using ResNetService.Api.Uploads;
using ResNetService.Api.V2;
using ResNetService.Inference.Hosting;

// The container's health check runs this binary as a one-shot probe (see Hosting/HealthProbe.cs).
if (HealthProbe.IsRequested(args))
{
    Environment.ExitCode = await HealthProbe.RunAsync(args);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddServiceLogging();
builder.Services.AddServiceProblemDetails();
builder.Services.AddUploads();
builder.Services.AddModelRepository(builder.Configuration);
builder.Services.AddGracefulShutdown(builder.Configuration); // After the models: they unload after the drain.
builder.Services.AddServiceHealthChecks();
builder.Services.AddServiceSwagger();
builder.Services.AddV2();
builder.Services.AddModelControl();
builder.AddServiceGrpc();
builder.Services.AddServiceTelemetry(builder.Configuration);
builder.Services.AddTrustedProxies();
builder.Services.AddClientRateLimiting();

var app = builder.Build();

app.UseTrustedProxies(); // First: everything after sees the client's address.
app.UseProtocolTag();
app.UseSlowRefusals();
app.UseServiceRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages(); // Empty-bodied errors (404, 405) get problem details too.
app.UseTryItPage(); // Before the rate limiter: the page's files cost nothing to send.
app.UseServiceSwagger();
app.UseClientRateLimiting();

app.MapClassifyEndpoints();
app.MapEmbedEndpoints();
app.MapExplainEndpoints();
app.MapModelEndpoints();
app.MapHealthEndpoints();
app.MapV2Endpoints();
app.MapModelControlEndpoints();
app.MapServiceGrpc();
app.MapMetrics();

try
{
    app.Run();
}
catch (Exception exception) when (StartupFailure.Reasons(exception) is { Count: > 0 } reasons)
{
    // Configuration mistakes, not bugs: one clear line each and a failing exit code, no stack trace.
    // Written directly: the host, and the loggers with it, are already disposed here.
    foreach (var reason in reasons)
    {
        Console.Error.WriteLine($"The service cannot start: {reason}");
    }

    Environment.ExitCode = 1;
}

/// <summary>Visible to tests, so that WebApplicationFactory&lt;Program&gt; can host the service.</summary>
public partial class Program;
