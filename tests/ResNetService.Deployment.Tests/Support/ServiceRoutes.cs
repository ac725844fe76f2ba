using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ResNetService.Api.Health;
using ResNetService.Api.Shutdown;
using ResNetService.Api.V2;
using ResNetService.Inference.Hosting;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The GET routes the service answers for probes (its own health routes and the Open Inference Protocol's), read from
/// its endpoint registrations as Program makes them, without starting it: a probe path is checked against these.
/// </summary>
public static class ServiceRoutes
{
    public static IReadOnlySet<string> HealthGets()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Repository.PathOf("src/ResNetService.Api") });
        builder.Services.AddModelRepository(builder.Configuration);
        builder.Services.AddGracefulShutdown(builder.Configuration);
        builder.Services.AddServiceHealthChecks();
        builder.Services.AddV2();
        using var app = builder.Build();
        app.MapHealthEndpoints();
        app.MapV2Endpoints();

        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods || methods.HttpMethods.Contains(HttpMethods.Get))
            .Select(endpoint => "/" + endpoint.RoutePattern.RawText!.TrimStart('/'))
            .Where(path => path.Contains("/health/", StringComparison.Ordinal))
            .ToHashSet();
    }
}
