using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The service as the CPU image runs it, without Docker: published by the Dockerfile's own <c>dotnet publish</c>
/// command, from a copy of the build context only (what .dockerignore lets in), into a temp folder (the image's
/// /app), a random-weight model at the image's default model path, started
/// with the Dockerfile's ENTRYPOINT, working directory and ENV, except that it listens on 127.0.0.1 and a free port.
/// A subclass publishes another flavor (the Dockerfile's FLAVOR build argument) the same way.
/// </summary>
public class PublishedService : IAsyncLifetime
{
    /// <summary>The publish command of the Dockerfile's build stage, as the test runs it (output folder aside).</summary>
    public static readonly string[] PublishArguments =
        ["publish", "src/ResNetService.Api/ResNetService.Api.csproj", "-c", "Release", "-o"];

    public static readonly string[] Labels = ["cat", "dog", "bird"];

    private const int ImageSize = 32;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly StringBuilder _output = new();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process? _process;

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

    public DockerfileModel Dockerfile { get; } = DockerfileModel.Load(Repository.PathOf("Dockerfile"));

    /// <summary>The container's environment for this FLAVOR, as the Dockerfile sets it.</summary>
    public IReadOnlyDictionary<string, string> ImageEnvironment =>
        Dockerfile.Environment("service", new Dictionary<string, string> { ["FLAVOR"] = Flavor });

    /// <summary>Everything the service printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

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
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Start(BaseAddress);
        await WaitUntilReadyAsync();
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
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
    /// Starts a second instance as the ENTRYPOINT does, with <paramref name="settings"/> on top of the image's
    /// environment, on another free port, and waits for it to exit (for settings that must stop the start).
    /// </summary>
    public ToolResult RunEntrypointUntilExit(IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        var environment = new Dictionary<string, string>(ImageEnvironment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}" };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return Tool.Run(Tool.DotNet, Entrypoint().Skip(1), workingDirectory: AppFolder, environment: environment, timeout: timeout);
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

    private void Start(Uri address)
    {
        var entrypoint = Entrypoint();
        var start = new ProcessStartInfo(Tool.DotNet)
        {
            WorkingDirectory = AppFolder, // The image's WORKDIR: relative model paths resolve from here.
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in entrypoint.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in ImageEnvironment)
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in _settings)
        {
            start.Environment[name] = value;
        }

        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        _process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start.");
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private string[] Entrypoint()
    {
        var entrypoint = DockerInstruction.ExecForm(Dockerfile.InStage("service", "ENTRYPOINT").Single().Arguments);
        Assert.Equal("dotnet", entrypoint[0]);
        return entrypoint;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                Assert.Fail($"The service exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        Assert.Fail($"/health/ready did not answer 200 within {ReadyTimeout}:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
