using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ResNetService.Onnx.ModelFile;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The service as the CPU image runs it, without Docker: published by the Dockerfile's own <c>dotnet publish</c>
/// command, from a copy of the build context only (what .dockerignore lets in), into a temp folder (the image's
/// /app), a random-weight model at the image's default model path, started
/// with the Dockerfile's ENTRYPOINT, working directory and ENV, except that it listens on 127.0.0.1 and free ports.
/// A subclass publishes another flavor (the Dockerfile's FLAVOR build argument) the same way.
/// </summary>
public class PublishedService : IAsyncLifetime
{
    /// <summary>The publish command of the Dockerfile's build stage, as the test runs it (output folder aside).</summary>
    public static readonly string[] PublishArguments =
        ["publish", "src/ResNetService.Api/ResNetService.Api.csproj", "-c", "Release", "-o"];

    public static readonly string[] Labels = ["cat", "dog", "bird"];

    private const int ImageSize = 32;

    private readonly IReadOnlyDictionary<string, string> _settings;
    private ServiceProcess? _service;

    public PublishedService()
        : this("cpu", new Dictionary<string, string>())
    {
    }

    /// <param name="flavor">The Dockerfile's FLAVOR: <c>cpu</c> or <c>gpu</c>.</param>
    /// <param name="settings">Environment set on top of the image's, as <c>docker run -e</c> would.</param>
    protected PublishedService(string flavor, IReadOnlyDictionary<string, string> settings)
    {
        Flavor = flavor;
        _settings = settings;
    }

    public string Flavor { get; }

    public string Folder { get; } = Directory.CreateTempSubdirectory("resnet-deployment-tests-").FullName;

    /// <summary>The published application, the image's /app.</summary>
    public string AppFolder => Path.Combine(Folder, "app");

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Where the instance answers gRPC (the image's gRPC port, moved to a free loopback one).</summary>
    public Uri GrpcAddress { get; private set; } = null!;

    public DockerfileModel Dockerfile { get; } = DockerfileModel.Load(Repository.PathOf("Dockerfile"));

    /// <summary>The container's environment for this FLAVOR, as the Dockerfile sets it.</summary>
    public IReadOnlyDictionary<string, string> ImageEnvironment =>
        Dockerfile.Environment("service", new Dictionary<string, string> { ["FLAVOR"] = Flavor });

    /// <summary>Everything the service printed so far (for failure messages).</summary>
    public string Output => _service?.Output ?? "";

    public async Task InitializeAsync()
    {
        // Built from the context copy, so a file the image build would lack fails here too, and the checkout's
        // own bin/obj are left alone while other test projects run. No build servers: a compiler server left
        // running could hold this test run's output pipes open.
        var context = Path.Combine(Folder, "context");
        BuildContext.CopyTo(context);
        // The Dockerfile's switch: FLAVOR=gpu publishes with -p:OnnxRuntimeGpu=true.
        var gpu = Flavor == "gpu" ? "true" : "false";
        var publish = Tool.Run(
            Tool.DotNet, [.. PublishArguments, AppFolder, $"-p:OnnxRuntimeGpu={gpu}", "--disable-build-servers"],
            workingDirectory: context, timeout: TimeSpan.FromMinutes(8));
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed: {publish}");

        WriteDefaultModel();
        GrpcAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        _service = StartInstance(new Dictionary<string, string>(_settings) { [ServiceSettings.GrpcUrl] = GrpcAddress.ToString() });
        BaseAddress = _service.BaseAddress;
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await _service.WaitUntilReadyAsync(Client);
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        _service?.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleaning.
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs the published binary with other arguments (e.g. the health probe), as the container's HEALTHCHECK would.</summary>
    public ToolResult RunApp(IEnumerable<string> arguments) =>
        Tool.Run(Tool.DotNet, arguments, workingDirectory: AppFolder, environment: ImageEnvironment, timeout: TimeSpan.FromSeconds(60));

    /// <summary>
    /// Starts an instance as the ENTRYPOINT does, with the image's environment and <paramref name="settings"/> on top
    /// (as <c>docker run -e</c> would add them), listening on 127.0.0.1 and free ports. The caller disposes it.
    /// </summary>
    public ServiceProcess StartInstance(IReadOnlyDictionary<string, string> settings)
    {
        var environment = LocalEnvironment();
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return ServiceProcess.Start(AppFolder, [Tool.DotNet, .. Entrypoint().Skip(1)], environment, new Uri($"http://127.0.0.1:{FreePort()}"));
    }

    /// <summary>
    /// Starts a second instance as the ENTRYPOINT does, with <paramref name="settings"/> on top of the image's
    /// environment, on another free port, and waits for it to exit (for settings that must stop the start).
    /// </summary>
    public ToolResult RunEntrypointUntilExit(IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        var environment = LocalEnvironment();
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return Tool.Run(Tool.DotNet, Entrypoint().Skip(1), workingDirectory: AppFolder, environment: environment, timeout: timeout);
    }

    /// <summary>
    /// The image's environment with its gRPC port, like its REST port, moved to 127.0.0.1 and a free port: instances
    /// run side by side here, where the container would have the port to itself.
    /// </summary>
    private Dictionary<string, string> LocalEnvironment()
    {
        var environment = new Dictionary<string, string>(ImageEnvironment);
        if (environment.ContainsKey(ServiceSettings.GrpcUrl))
        {
            environment[ServiceSettings.GrpcUrl] = $"http://127.0.0.1:{FreePort()}";
        }

        return environment;
    }

    private void WriteDefaultModel()
    {
        var modelPath = Path.Combine(AppFolder, ImageEnvironment["Model__Path"]);
        Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
        RandomResNetModel.Write(
            modelPath,
            new ResNetConfig(ResNetArchitecture.ResNet18, Labels.Length),
            new Dictionary<string, string>
            {
                [ModelMetadataKeys.Labels] = JsonSerializer.Serialize(Labels),
                [ModelMetadataKeys.ImageSize] = ImageSize.ToString(),
                [ModelMetadataKeys.ResizeMode] = ResizeModes.Direct,
            },
            seed: 5,
            imageSize: ImageSize);
    }

    private string[] Entrypoint()
    {
        var entrypoint = DockerInstruction.ExecForm(Dockerfile.InStage("service", "ENTRYPOINT").Single().Arguments);
        Assert.Equal("dotnet", entrypoint[0]);
        return entrypoint;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
