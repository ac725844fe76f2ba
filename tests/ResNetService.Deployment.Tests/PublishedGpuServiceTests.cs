using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ResNetService.Deployment.Tests.Support;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// What the GPU image would run, run here without Docker and without CUDA (see <see cref="PublishedGpuService"/>): the
/// GPU flavor restores and publishes, Auto falls back to the CPU naming the missing CUDA library in /model, readiness and
/// the log, and Cuda refuses to start with the same reason. These expectations hold on a machine without CUDA, as CI is.
/// </summary>
public sealed partial class PublishedGpuServiceTests(PublishedGpuService service) : IClassFixture<PublishedGpuService>
{
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Auto_runs_on_the_cpu_and_names_the_missing_cuda_library_in_model_info_readiness_and_log()
    {
        var info = await JsonAsync("/model");
        var provider = info.GetProperty("executionProvider");
        var reason = provider.GetProperty("fallbackReason").GetString()!;
        using var ready = await service.Client.GetAsync("/health/ready");
        var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("model");

        Assert.Equal("CPUExecutionProvider", provider.GetProperty("name").GetString());
        Assert.Matches(MissingCudaLibrary(), reason);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(reason, readiness.GetProperty("data").GetProperty("executionProviderFallbackReason").GetString());
        Assert.Contains(LogEvents(), e => e.TryGetProperty("Reason", out var logged) && logged.GetString() == reason
                                          && e.GetProperty("@l").GetString() == "Warning");
    }

    [Fact]
    public void Cuda_refuses_to_start_and_says_which_library_is_missing()
    {
        var result = service.RunEntrypointUntilExit(new Dictionary<string, string> { ["Model__ExecutionProvider"] = "Cuda" }, RefusalTimeout);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("ExecutionProvider is Cuda, but CUDA could not be started", result.Output + result.Error);
        Assert.Matches(MissingCudaLibrary(), result.Output + result.Error);
    }

    [Fact]
    public void The_gpu_build_carries_linux_natives_only_and_needs_the_cuda_release_of_the_dockerfile_image()
    {
        var provider = Directory.GetFiles(service.AppFolder, "libonnxruntime_providers_cuda.so", SearchOption.AllDirectories);
        var windowsNatives = Directory.GetFiles(service.AppFolder, "onnxruntime*.dll", SearchOption.AllDirectories);
        var cudaImage = service.Dockerfile.GlobalArguments["CUDA_IMAGE"];

        // The provider library links the CUDA runtime by its major version (libcudart.so.N): the image must bring that N.
        var needed = CudaRuntime().Match(Encoding.ASCII.GetString(File.ReadAllBytes(Assert.Single(provider))));
        Assert.True(needed.Success, "The CUDA provider library names no libcudart.so.N.");
        Assert.StartsWith($"nvidia/cuda:{needed.Groups["major"].Value}.", cudaImage);
        Assert.Empty(windowsNatives);
    }

    private async Task<JsonElement> JsonAsync(string path)
    {
        using var response = await service.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>The service's JSON log events (ONNX Runtime's own native log lines are not JSON and are skipped).</summary>
    private List<JsonElement> LogEvents() =>
        service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();

    /// <summary>e.g. "...: libcublasLt.so.13 is missing (loading .../libonnxruntime_providers_cuda.so: ...)".</summary>
    [GeneratedRegex(@"CUDA could not be started \(.+\): lib[\w.+-]+\.so(\.\d+)* is missing \(loading \S+libonnxruntime_providers_cuda\.so: ")]
    private static partial Regex MissingCudaLibrary();

    [GeneratedRegex(@"libcudart\.so\.(?<major>\d+)")]
    private static partial Regex CudaRuntime();
}
