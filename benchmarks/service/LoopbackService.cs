using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ResNetService.Benchmarks.Service;

/// <summary>The real service on Kestrel, bound to 127.0.0.1 on a free port (and gRPC on another), in Production mode.</summary>
public sealed class LoopbackService : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public LoopbackService(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        // The factory looks for the service's project folder beside a solution; a built benchmark has the service's
        // appsettings.json in its own output folder, so that is the content root.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_RESNETSERVICE_API", AppContext.BaseDirectory);
        Port = FreePort();
        GrpcPort = FreePort();
        UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, Port);
            kestrel.Listen(IPAddress.Loopback, GrpcPort, listen => listen.Protocols = HttpProtocols.Http2); // gRPC: HTTP/2 without TLS
        });
    }

    public int Port { get; }

    public int GrpcPort { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
