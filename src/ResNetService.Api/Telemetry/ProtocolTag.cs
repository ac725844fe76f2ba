using Microsoft.AspNetCore.Http.Features;

namespace ResNetService.Api.Telemetry;

/// <summary>
/// Adds <c>protocol</c> to ASP.NET Core's request metrics (<c>http.server.request.duration</c>): <c>grpc</c> for the Open
/// Inference Protocol over gRPC, <c>v2</c> for it over REST, <c>rest</c> for the service's own routes, so that a dashboard
/// splits traffic, latency and errors by front end. A closed set: nothing a client sends becomes a label value.
/// </summary>
public static class ProtocolTag
{
    public const string Name = "protocol";

    public static IApplicationBuilder UseProtocolTag(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new(Name, Of(context.Request)));
            return next(context);
        });

    public static string Of(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true ? "grpc"
        : request.Path.StartsWithSegments("/v2") ? "v2"
        : "rest";
}
