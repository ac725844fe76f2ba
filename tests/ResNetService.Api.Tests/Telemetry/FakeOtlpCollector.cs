using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// Stands in for an OpenTelemetry collector on a loopback port: takes OTLP/HTTP trace exports (POST /v1/traces,
/// protobuf) and keeps their bodies, answering each with an empty success.
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOtlpCollector(WebApplication app) => _app = app;

    public ConcurrentQueue<byte[]> TraceExports { get; } = new();

    public string Endpoint { get; private set; } = "";

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var collector = new FakeOtlpCollector(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            collector.TraceExports.Enqueue(body.ToArray());
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        collector.Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return collector;
    }

    /// <summary>True once an export carried a span of that trace (protobuf keeps the 16 id bytes as they are).</summary>
    public bool Received(string traceId)
    {
        var id = Convert.FromHexString(traceId);
        return TraceExports.Any(export => export.AsSpan().IndexOf(id) >= 0);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
