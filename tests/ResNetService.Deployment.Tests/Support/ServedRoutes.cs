using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ResNetService.Api.Health;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The routes a Kubernetes probe may ask: the service's health endpoints, read from its own mapping
/// (<see cref="HealthEndpoints.MapHealthEndpoints"/> on an application that is built but never started).
/// </summary>
public static class ServedRoutes
{
    public static IReadOnlySet<string> Health { get; } = ReadHealthRoutes();

    private static HashSet<string> ReadHealthRoutes()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddHealthChecks();
        using var app = builder.Build();
        app.MapHealthEndpoints();
        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(endpoint => "/" + endpoint.RoutePattern.RawText!.TrimStart('/'))
            .ToHashSet();
    }
}
