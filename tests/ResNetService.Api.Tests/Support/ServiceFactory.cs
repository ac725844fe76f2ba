using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace ResNetService.Api.Tests.Support;

/// <summary>
/// The real service on a test server, serving <paramref name="modelPath"/> with small limits. Settings go in through
/// <c>UseSetting</c>, which the service sees before anything reads configuration. A request may name the peer it comes
/// from (<see cref="PeerAddress"/>); what the service logs at Warning and above is kept (<see cref="Log"/>).
/// </summary>
public class ServiceFactory(string modelPath, IReadOnlyDictionary<string, string?>? overrides = null)
    : WebApplicationFactory<Program>
{
    public const int MaxFilesPerBatch = 4;
    public const int MaxRequestBytes = 256 * 1024;
    public const int MaxBatchSize = 8;
    public const int QueueCapacity = 256;

    public IReadOnlyDictionary<string, string?> Settings { get; } = Merge(modelPath, overrides);

    /// <summary>What the service logged at Warning and above.</summary>
    public LogCapture Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Log).AddSingleton<IStartupFilter, PeerAddress>());
    }

    /// <summary>A gRPC channel to this test server, over its in-memory handler.</summary>
    public GrpcChannel CreateGrpcChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    private static Dictionary<string, string?> Merge(string modelPath, IReadOnlyDictionary<string, string?>? overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Model:Path"] = modelPath,
            ["Model:ExecutionProvider"] = "Cpu",
            ["Model:IntraOpThreads"] = "1",
            ["ModelRepository:Root"] = "", // the default model alone, unless a test gives a repository
            ["Batching:MaxBatchSize"] = MaxBatchSize.ToString(),
            ["Batching:MaxBatchDelay"] = "00:00:00.005",
            ["Batching:QueueCapacity"] = QueueCapacity.ToString(),
            ["Batching:RefusalDelay"] = "00:00:00", // Refusals answered at once; SlowRefusalTests holds them.
            ["Uploads:MaxRequestBytes"] = MaxRequestBytes.ToString(),
            ["Uploads:MaxFilesPerBatch"] = MaxFilesPerBatch.ToString(),
            ["ImageLimits:MaxPixels"] = "4000000",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
