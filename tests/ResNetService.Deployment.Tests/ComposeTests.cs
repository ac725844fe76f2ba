using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using ResNetService.Api.Uploads;
using ResNetService.Deployment.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// docker-compose.yml as Debian's docker-compose resolves it (`docker-compose config` validates the file against the
/// compose schema and fills in variables, without a Docker engine), compared with the Dockerfile and the service.
/// </summary>
public sealed partial class ComposeTests
{
    private static readonly string ComposeFile = Repository.PathOf("docker-compose.yml");
    private static readonly Lazy<YamlMappingNode> DefaultConfig = new(() => Resolve());
    private readonly DockerfileModel _dockerfile = DockerfileModel.Load(Repository.PathOf("Dockerfile"));

    [Fact]
    public void The_validator_rejects_a_file_that_breaks_the_schema()
    {
        var broken = Path.Combine(Directory.CreateTempSubdirectory("resnet-compose-").FullName, "docker-compose.yml");
        File.WriteAllText(broken, File.ReadAllText(ComposeFile).Replace("start_period:", "start_periode:"));

        var result = Tool.Run(ValidatorTools.DockerCompose, ["-f", broken, "config"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("start_periode", result.Error);
    }

    [Fact]
    public void The_default_service_runs_the_cpu_image_on_the_exposed_port()
    {
        var api = Service(Config(), "api");

        Assert.Null(api.At("profiles"));
        Assert.Equal("cpu", api.Text("build", "args", "FLAVOR"));
        Assert.Equal(Repository.Root, api.Text("build", "context"));
        var port = Assert.Single(api.List("ports"));
        Assert.Equal(ExposedPort, port.Text("target"));
        Assert.Equal("8080", port.Text("published"));
        Assert.Equal("unless-stopped", api.Text("restart"));
    }

    [Fact]
    public void The_gpu_profile_reserves_an_nvidia_device_for_the_gpu_image()
    {
        var gpu = Service(Resolve(("GPU_PORT", "9090")), "api-gpu");

        Assert.Equal(["gpu"], gpu.List("profiles").Select(p => p.ToString()));
        Assert.Equal("gpu", gpu.Text("build", "args", "FLAVOR"));
        Assert.Equal("Cuda", gpu.Map("environment").Strings()["Model__ExecutionProvider"]);
        var device = Assert.Single(gpu.List("deploy", "resources", "reservations", "devices"));
        Assert.Equal("nvidia", device.Text("driver"));
        Assert.Contains("gpu", device.List("capabilities").Select(c => c.ToString()));
        Assert.Equal("9090", Assert.Single(gpu.List("ports")).Text("published"));
        Assert.NotEqual(Service(Config(), "api").Text("image"), gpu.Text("image"));
    }

    [Fact]
    public void Every_service_of_the_api_checks_readiness_as_the_image_does_and_takes_only_real_settings()
    {
        var config = Config();
        var imageCheck = _dockerfile.InStage("service", "HEALTHCHECK").Single().Arguments;
        var imageCommand = DockerInstruction.ExecForm(imageCheck[(imageCheck.IndexOf("CMD ") + 4)..]);

        foreach (var name in new[] { "api", "api-gpu", "replica" })
        {
            var service = Service(config, name);
            Assert.Equal(["CMD", .. imageCommand], service.List("healthcheck", "test").Select(t => t.ToString()));
            Assert.NotNull(service.Text("healthcheck", "start_period"));
            Assert.Equal("unless-stopped", service.Text("restart"));
            Assert.Empty(ServiceSettings.Problems(service.Map("environment").Strings()));
        }
    }

    [Fact]
    public void A_user_model_folder_is_mounted_where_the_image_looks_for_its_model()
    {
        var imageModelFolder = _dockerfile.InStage("service", "WORKDIR").Single().Arguments + "/models";

        var byDefault = Service(Config(), "api");
        var own = Service(Resolve(("MODEL_DIR", "/srv/my-models"), ("MODEL_FILE", "mine.onnx")), "api");

        Assert.Equal($"{Repository.PathOf("models")}:{imageModelFolder}:ro", Assert.Single(byDefault.List("volumes")).ToString());
        Assert.Equal("models/model.onnx", byDefault.Map("environment").Strings()["Model__Path"]);
        Assert.Equal($"/srv/my-models:{imageModelFolder}:ro", Assert.Single(own.List("volumes")).ToString());
        Assert.Equal("models/mine.onnx", own.Map("environment").Strings()["Model__Path"]);
    }

    [Fact]
    public void The_scale_profile_puts_replicas_behind_nginx()
    {
        var config = Resolve(("REPLICAS", "5"));
        var replica = Service(config, "replica");
        var lb = Service(config, "lb");

        Assert.Equal(["scale"], replica.List("profiles").Select(p => p.ToString()));
        Assert.Equal(["scale"], lb.List("profiles").Select(p => p.ToString()));
        Assert.Equal("5", replica.Text("deploy", "replicas"));
        Assert.Null(replica.At("ports")); // Replicas share no host port; only the balancer publishes one.
        Assert.Equal("service_healthy", lb.Text("depends_on", "replica", "condition"));
        Assert.Equal("3", Service(Config(), "replica").Text("deploy", "replicas"));

        var mount = Assert.Single(lb.List("volumes")).ToString().Split(':');
        Assert.Equal(Repository.PathOf("docker/nginx.conf"), mount[0]);
        Assert.Equal("/etc/nginx/nginx.conf", mount[1]);
    }

    [Fact]
    public void The_replicas_trust_the_forwarded_client_address_of_nginx_alone()
    {
        var config = Resolve(("SCALE_SUBNET", "10.99.7.0/24"), ("LB_ADDRESS", "10.99.7.20"));
        var replica = Service(config, "replica");
        var lb = Service(config, "lb");
        var nginx = File.ReadAllText(Repository.PathOf("docker/nginx.conf"));

        var address = lb.Text("networks", "scale", "ipv4_address");
        Assert.Equal("10.99.7.20", address);
        Assert.Equal(address, replica.Map("environment").Strings()["ForwardedHeaders__KnownProxies__0"]);
        Assert.Equal(["scale"], replica.Map("networks").Children.Keys.Select(k => k.ToString()));
        var subnet = Assert.Single(config.List("networks", "scale", "ipam", "config")).Text("subnet");
        Assert.True(System.Net.IPNetwork.Parse(subnet!).Contains(System.Net.IPAddress.Parse(address!)), $"{address} is outside {subnet}");
        // nginx appends the address it saw to what the client sent: the service believes that last one only.
        Assert.Matches(@"proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;", nginx);
        Assert.Equal("172.30.250.10", Service(Config(), "replica").Map("environment").Strings()["ForwardedHeaders__KnownProxies__0"]);
    }

    [Fact]
    public void Nginx_sends_to_the_replicas_service_port_and_accepts_uploads_as_large_as_the_service()
    {
        var nginx = File.ReadAllText(Repository.PathOf("docker/nginx.conf"));
        var server = UpstreamServer().Match(nginx);
        var bodyLimit = BodySizeLimit().Match(nginx);
        var settings = new ConfigurationBuilder().AddJsonFile(Repository.PathOf("src/ResNetService.Api/appsettings.json")).Build();
        var serviceLimit = settings.GetSection(UploadLimits.SectionName).Get<UploadLimits>()!.MaxRequestBytes;

        Assert.True(server.Success, "no upstream server in nginx.conf");
        Assert.Equal("replica", server.Groups["host"].Value);
        Assert.Equal(ExposedPort, server.Groups["port"].Value);
        Assert.True(bodyLimit.Success, "nginx.conf sets no client_max_body_size (nginx's default is 1 MiB)");
        Assert.True(long.Parse(bodyLimit.Groups["mib"].Value) * 1024 * 1024 >= serviceLimit);
        Assert.Contains("proxy_pass http://" + UpstreamName().Match(nginx).Groups["name"].Value + ";", nginx);
    }

    [Fact]
    public void The_repository_override_mounts_a_model_repository_into_every_api_service()
    {
        var repository = Directory.CreateTempSubdirectory("resnet-repository-").FullName;
        Directory.Delete(repository); // Only its name is needed: docker-compose config does not look at the folder.
        var result = Tool.Run(
            ValidatorTools.DockerCompose,
            ["-f", ComposeFile, "-f", Repository.PathOf("docker/compose.repository.yml"), "--profile", "gpu", "--profile", "scale", "config"],
            environment: new Dictionary<string, string> { ["MODEL_REPOSITORY"] = repository });
        Assert.True(result.ExitCode == 0, $"docker-compose config: {result}");
        var config = YamlDocuments.Load(result.Output);

        foreach (var name in new[] { "api", "api-gpu", "replica" })
        {
            var service = Service(config, name);
            var environment = service.Map("environment").Strings();
            Assert.Equal("/app/repository", environment["ModelRepository__Root"]);
            Assert.Equal(Service(Config(), name).Map("environment").Strings()["Model__Path"], environment["Model__Path"]); // kept
            var volumes = service.List("volumes").Select(v => v.ToString()).ToList();
            Assert.Contains($"{repository}:/app/repository:ro", volumes);
            Assert.Contains(volumes, v => v.EndsWith(":/app/models:ro", StringComparison.Ordinal)); // the default model's mount stays
        }
    }

    [Fact]
    public void Every_service_of_the_api_is_given_longer_to_stop_than_its_accept_delay_and_drain()
    {
        var config = Config();

        foreach (var name in new[] { "api", "api-gpu", "replica" })
        {
            var service = Service(config, name);
            var shutdown = ServiceSettings.Shutdown(service.Map("environment").Strings());
            var grace = ComposeDuration(service.Text("stop_grace_period") ?? "10s"); // Docker's default

            Assert.True(grace > shutdown.AcceptDelay + shutdown.DrainTimeout,
                $"{name}: stop_grace_period {grace} does not outlast the accept delay and the drain ({shutdown.AcceptDelay + shutdown.DrainTimeout})");
        }
    }

    private string ExposedPort => ServicePorts.Of(_dockerfile).Http.ToString();

    /// <summary>The file resolved with the default variables (resolved once: docker-compose takes a second or two).</summary>
    private static YamlMappingNode Config() => DefaultConfig.Value;

    private static YamlMappingNode Resolve(params (string Name, string Value)[] variables)
    {
        var result = Tool.Run(
            ValidatorTools.DockerCompose, ["-f", ComposeFile, "--profile", "gpu", "--profile", "scale", "config"],
            environment: variables.ToDictionary(v => v.Name, v => v.Value));
        Assert.True(result.ExitCode == 0, $"docker-compose config: {result}");
        return YamlDocuments.Load(result.Output);
    }

    private static YamlMappingNode Service(YamlMappingNode config, string name) => config.Map("services", name);

    /// <summary>A compose duration such as 30s or 1m30s.</summary>
    private static TimeSpan ComposeDuration(string text)
    {
        var match = Duration().Match(text);
        Assert.True(match.Success && text.Length > 0, $"not a duration in hours, minutes and seconds: {text}");
        int Part(string unit) => match.Groups[unit].Success ? int.Parse(match.Groups[unit].Value) : 0;
        return new TimeSpan(Part("h"), Part("m"), Part("s"));
    }

    [GeneratedRegex(@"^(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$")]
    private static partial Regex Duration();

    [GeneratedRegex(@"upstream\s+(?<name>\w+)\s*\{")]
    private static partial Regex UpstreamName();

    [GeneratedRegex(@"^\s*server\s+(?<host>[\w.-]+):(?<port>\d+)", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"client_max_body_size\s+(?<mib>\d+)m;")]
    private static partial Regex BodySizeLimit();
}
