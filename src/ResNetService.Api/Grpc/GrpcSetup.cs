using System.Net;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ResNetService.Api.Health;
using ResNetService.Api.V2;

namespace ResNetService.Api.Grpc;

/// <summary>
/// The Open Inference Protocol over gRPC (<see cref="InferenceGrpcService"/>), the standard <c>grpc.health.v1</c> service
/// (serving while <c>/health/ready</c> would answer 200) and server reflection, on a port of their own
/// (<see cref="GrpcOptions.Url"/>).
/// </summary>
public static class GrpcSetup
{
    public static WebApplicationBuilder AddServiceGrpc(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GrpcOptions>().BindConfiguration(GrpcOptions.SectionName);
        services.AddGrpc(options =>
        {
            options.Interceptors.Add<GrpcErrors>();
            // No catch-all routes for unknown services: they would shadow REST's 405s (PUT /classify/batch). A client calling
            // an unknown method still gets UNIMPLEMENTED, from the HTTP 404.
            options.IgnoreUnknownServices = true;
        });
        // A message may be as large as a REST V2 body; a larger one is RESOURCE_EXHAUSTED before it is read. Read from
        // configuration, not IOptions<V2Options>: mapping the service reads this, before a bad V2 value may be reported.
        services.AddOptions<GrpcServiceOptions>().Configure<IConfiguration>((grpc, configuration) =>
            grpc.MaxReceiveMessageSize = (int)Math.Min(MaxRequestBytes(configuration), int.MaxValue));
        services.AddGrpcHealthChecks(options => options.Services.Map("", result => result.Tags.Contains(HealthChecksSetup.ReadyTag)));
        services.AddGrpcReflection();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            if (context.Configuration[$"{GrpcOptions.SectionName}:{nameof(GrpcOptions.Url)}"] is { Length: > 0 } grpc)
            {
                // Listening set up in code replaces the configured addresses: listen on those again, then on gRPC's.
                foreach (var url in RestUrls(context.Configuration))
                {
                    Listen(kestrel, url, HttpProtocols.Http1); // cleartext: HTTP/2 there would need TLS to be negotiated
                }

                Listen(kestrel, grpc, HttpProtocols.Http2);
            }
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapServiceGrpc(this IEndpointRouteBuilder routes)
    {
        // ModelInfer shares the REST routes' per-client rate limit (its attribute); refusals are worded as gRPC statuses.
        routes.MapGrpcService<InferenceGrpcService>().WithMetadata(new GrpcRefusals());
        routes.MapGrpcHealthChecksService();
        routes.MapGrpcReflectionService();
        return routes;
    }

    private static long MaxRequestBytes(IConfiguration configuration)
    {
        try
        {
            return configuration.GetValue($"{V2Options.SectionName}:{nameof(V2Options.MaxRequestBytes)}", new V2Options().MaxRequestBytes);
        }
        catch (InvalidOperationException)
        {
            return new V2Options().MaxRequestBytes; // not a number: the options' validation stops the start with its own line
        }
    }

    /// <summary>The REST addresses as the host would take them: <c>urls</c>, else <c>http_ports</c>, else localhost:5000.</summary>
    private static IEnumerable<string> RestUrls(IConfiguration configuration) =>
        configuration["urls"] is { Length: > 0 } urls ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        : configuration["http_ports"] is { Length: > 0 } ports ? ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => $"http://*:{port}")
        : ["http://localhost:5000"];

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols)
    {
        var address = BindingAddress.Parse(url);
        if (address.Scheme != "http")
        {
            throw new InvalidOperationException($"{url}: with Grpc:Url set, the service listens on http:// addresses only (terminate TLS in front of it).");
        }

        Action<ListenOptions> configure = listen => listen.Protocols = protocols;
        if (address.Host is "localhost")
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, address.Port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(address.Port, configure); // *, + or a host name: every interface, as Kestrel binds them
        }
    }
}
