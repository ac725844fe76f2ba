using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ResNetService.Api.Classification;
using ResNetService.Deployment.Tests.Support;
using SkiaSharp;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// What the CPU image would run, run here without Docker (see <see cref="PublishedService"/>): it gets ready, classifies,
/// passes the image's own health check, and answers every probe path the compose file and the manifests use.
/// </summary>
public sealed partial class PublishedServiceTests(PublishedService service) : IClassFixture<PublishedService>
{
    [Fact]
    public async Task Classifies_an_image_with_the_model_at_the_image_default_path()
    {
        using var content = new ByteArrayContent(Png());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        using var response = await service.Client.PostAsync("/classify?top=2", content);
        var answer = await response.Content.ReadFromJsonAsync<ClassificationResponse>(JsonSerializerOptions.Web);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("model", answer!.Model);
        Assert.Equal(2, answer.Predictions.Count);
        Assert.All(answer.Predictions, p => Assert.Contains(p.Label, PublishedService.Labels));
    }

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    public async Task Serves_the_try_it_page_from_the_published_wwwroot(string path, string mediaType)
    {
        using var response = await service.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(File.Exists(Path.Combine(service.AppFolder, "wwwroot", "index.html")));
    }

    [Fact]
    public void The_service_process_creates_onnx_runtime_with_thread_pools_its_sessions_share()
    {
        Assert.Contains("ONNX Runtime sessions share global thread pools", service.Output);
        Assert.DoesNotContain("each session keeps its own thread pools", service.Output);
    }

    [Fact]
    public void The_image_health_check_passes_against_the_ready_service()
    {
        var check = HealthCheckCommand();

        var result = service.RunApp(check.Skip(1).Select(ToLocalPort));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("answered 200", result.Output);
    }

    [Fact]
    public void The_health_check_fails_on_an_error_answer_or_no_answer_and_explains_a_bad_address()
    {
        var check = HealthCheckCommand();
        var closedPort = ClosedPort();

        var notFound = service.RunApp(check.Skip(1).Select(ToLocalPort).Select(a => a.Replace("/health/ready", "/health/nowhere")));
        var unanswered = service.RunApp(check.Skip(1).Select(a => a.Replace("127.0.0.1:8080", $"127.0.0.1:{closedPort}")));
        var badAddress = service.RunApp([check[1], check[2], "not a url"]);

        Assert.Equal(1, notFound.ExitCode);
        Assert.Contains("answered 404", notFound.Output);
        Assert.Equal(1, unanswered.ExitCode);
        Assert.Equal(2, badAddress.ExitCode);
        Assert.Contains("usage: --health-probe", badAddress.Error);
    }

    [Fact]
    public async Task Every_probe_path_of_the_manifests_and_the_compose_file_answers_200()
    {
        var manifests = new KubernetesManifests();
        var paths = manifests.Deployments
            .SelectMany(d => d.Spec.Template.Spec.Containers)
            .SelectMany(c => new[] { c.ReadinessProbe.HttpGet.Path, c.LivenessProbe.HttpGet.Path })
            .Append(new Uri(HealthCheckCommand()[^1]).AbsolutePath)
            .Distinct()
            .ToList();

        Assert.Equal(["/health/ready", "/health/live"], paths);
        foreach (var path in paths)
        {
            using var response = await service.Client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public void Logs_are_json_lines_as_the_image_asks()
    {
        Assert.Equal("true", service.ImageEnvironment["Logging__Json"]);
        var lines = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("@t", out _), line));
    }

    [Fact]
    public void The_cpu_build_carries_no_cuda_provider()
    {
        Assert.Empty(Directory.GetFiles(service.AppFolder, "libonnxruntime_providers_cuda.so", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.GetFiles(service.AppFolder, "libonnxruntime.so", SearchOption.AllDirectories));
    }

    /// <summary>The HEALTHCHECK's exec form, e.g. dotnet ResNetService.Api.dll --health-probe URL.</summary>
    private string[] HealthCheckCommand()
    {
        var check = service.Dockerfile.InStage("service", "HEALTHCHECK").Single().Arguments;
        return DockerInstruction.ExecForm(check[(check.IndexOf("CMD ") + 4)..]);
    }

    private string ToLocalPort(string argument) => argument.Replace("127.0.0.1:8080", $"127.0.0.1:{service.BaseAddress.Port}");

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // Closed again once the listener is disposed.
    }

    internal static byte[] Png()
    {
        using var surface = SKSurface.Create(new SKImageInfo(40, 30));
        surface.Canvas.Clear(SKColors.SkyBlue);
        using var paint = new SKPaint { Color = SKColors.OrangeRed };
        surface.Canvas.DrawCircle(20, 15, 10, paint);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
