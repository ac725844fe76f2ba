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

    /// <summary>The image's REST and gRPC ports (read when a test needs them, so a bad Grpc__Url fails only those).</summary>
    private ServicePorts Ports => ServicePorts.Of(_dockerfile);

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
    public void The_default_service_runs_the_cpu_image_and_publishes_its_rest_and_grpc_ports()
    {
        var api = Service(Config(), "api");
        var moved = Service(Resolve(("API_PORT", "9080"), ("GRPC_PORT", "9081")), "api");

        Assert.Null(api.At("profiles"));
        Assert.Equal("cpu", api.Text("build", "args", "FLAVOR"));
        Assert.Equal(Repository.Root, api.Text("build", "context"));
        Assert.Equal(2, api.List("ports").Count);
        Assert.Equal("8080", PublishedPort(api, Ports.Http));
        Assert.Equal("8081", PublishedPort(api, Ports.Grpc));
        Assert.Equal("9080", PublishedPort(moved, Ports.Http));
        Assert.Equal("9081", PublishedPort(moved, Ports.Grpc));
        Assert.Equal("unless-stopped", api.Text("restart"));
    }

    [Fact]
    public void No_two_services_of_any_profile_publish_the_same_host_port()
    {
        // The GPU service had host port 8081 before gRPC took it on the CPU service; both run under --profile gpu.
        var clash = HostPortClashes(Resolve(("GPU_PORT", "8081")));

        Assert.Empty(HostPortClashes(Config()));
        Assert.Equal(["8081: api, api-gpu"], clash);
    }

    [Fact]
    public void The_gpu_profile_reserves_an_nvidia_device_for_the_gpu_image()
    {
        var gpu = Service(Resolve(("GPU_PORT", "9080"), ("GPU_GRPC_PORT", "9081")), "api-gpu");
        var byDefault = Service(Config(), "api-gpu");

        Assert.Equal(["gpu"], gpu.List("profiles").Select(p => p.ToString()));
        Assert.Equal("gpu", gpu.Text("build", "args", "FLAVOR"));
        Assert.Equal("Cuda", gpu.Map("environment").Strings()["Model__ExecutionProvider"]);
        var device = Assert.Single(gpu.List("deploy", "resources", "reservations", "devices"));
        Assert.Equal("nvidia", device.Text("driver"));
        Assert.Contains("gpu", device.List("capabilities").Select(c => c.ToString()));
        Assert.Equal(2, gpu.List("ports").Count);
        Assert.Equal("9080", PublishedPort(gpu, Ports.Http));
        Assert.Equal("9081", PublishedPort(gpu, Ports.Grpc));
        Assert.Equal("8090", PublishedPort(byDefault, Ports.Http));
        Assert.Equal("8091", PublishedPort(byDefault, Ports.Grpc));
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
        Assert.Null(replica.At("ports")); // Replicas share no host port; only the balancer publishes them.
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
        var http = Nginx().Block("http");
        var server = ServerPassing(http, "proxy_pass");
        var upstream = Upstream(http, server.Pass, "http://");
        var lb = Service(Resolve(("LB_PORT", "9000")), "lb");

        Assert.Equal($"replica:{Ports.Http}", upstream.Value("server"));
        Assert.Contains("resolve", upstream.All("server").Single().Arguments); // follows scaling (see nginx.conf)
        Assert.Equal("9000", PublishedPort(lb, server.Port));
        Assert.Equal("8000", PublishedPort(Service(Config(), "lb"), server.Port));
        Assert.True(BodySizeLimit(http, server.Block) >= ServiceBodyLimit(), "client_max_body_size is below the service's request limit");
    }

    [Fact]
    public void Nginx_passes_grpc_over_cleartext_http2_on_a_port_of_its_own_to_the_replicas_grpc_port()
    {
        var http = Nginx().Block("http");
        var grpc = ServerPassing(http, "grpc_pass");
        var rest = ServerPassing(http, "proxy_pass");
        var upstream = Upstream(http, grpc.Pass, "grpc://"); // grpcs:// would be TLS, which the replicas do not speak
        var lb = Service(Resolve(("LB_GRPC_PORT", "9001")), "lb");

        Assert.NotEqual(rest.Port, grpc.Port);
        // gRPC needs HTTP/2: "http2 on" (nginx 1.25.1 and newer) or the older "listen ... http2".
        Assert.True(grpc.Block.Value("http2") == "on" || grpc.Block.All("listen").Single().Arguments.Contains("http2"),
            "the gRPC server does not speak HTTP/2");
        Assert.DoesNotContain("ssl", grpc.Block.All("listen").Single().Arguments);
        Assert.Equal($"replica:{Ports.Grpc}", upstream.Value("server"));
        Assert.Contains("resolve", upstream.All("server").Single().Arguments);
        Assert.Equal("9001", PublishedPort(lb, grpc.Port));
        Assert.Equal("8001", PublishedPort(Service(Config(), "lb"), grpc.Port));
        Assert.True(BodySizeLimit(http, grpc.Block) >= ServiceBodyLimit(), "client_max_body_size is below the service's request limit");
        // The replicas believe the client address nginx appends, for gRPC as for REST.
        Assert.Contains(grpc.Location.All("grpc_set_header"), header => header.Arguments.SequenceEqual(["X-Forwarded-For", "$proxy_add_x_forwarded_for"]));
    }

    [Fact]
    public void The_nginx_reader_follows_blocks_and_refuses_unbalanced_ones()
    {
        var config = NginxConfig.Parse("http { # a comment; {\n server { listen 8081; return 200 \"a;b\"; } }");

        var server = config.Block("http").All("server").Single();
        Assert.Equal("8081", server.Value("listen"));
        Assert.Equal(["200", "a;b"], server.All("return").Single().Arguments);
        Assert.Throws<FormatException>(() => NginxConfig.Parse("http { server { listen 80; }"));
        Assert.Throws<FormatException>(() => NginxConfig.Parse("http { } }"));
        Assert.Throws<FormatException>(() => NginxConfig.Parse("listen 80"));
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

    /// <summary>The host port a service publishes for a container port, or null.</summary>
    private static string? PublishedPort(YamlNode service, int target) =>
        service.List("ports").SingleOrDefault(port => port.Text("target") == target.ToString())?.Text("published");

    /// <summary>Host ports published by more than one service, as "port: service, service".</summary>
    private static IReadOnlyList<string> HostPortClashes(YamlMappingNode config) => config.Map("services").Children
        .SelectMany(service => service.Value.List("ports").Select(port => (Port: port.Text("published"), Service: service.Key.ToString())))
        .GroupBy(published => published.Port)
        .Where(group => group.Count() > 1)
        .Select(group => $"{group.Key}: {string.Join(", ", group.Select(p => p.Service).Order())}")
        .ToList();

    private static NginxDirective Nginx() => NginxConfig.Parse(File.ReadAllText(Repository.PathOf("docker/nginx.conf")));

    /// <summary>The one server of nginx's http block whose location passes requests on with <paramref name="pass"/>.</summary>
    private static (NginxDirective Block, NginxDirective Location, int Port, string Pass) ServerPassing(NginxDirective http, string pass)
    {
        var server = Assert.Single(http.All("server"), s => s.All("location").Any(l => l.All(pass).Any()));
        var location = server.All("location").Single(l => l.All(pass).Any());
        var listen = Assert.Single(server.All("listen")).Arguments[0];
        return (server, location, int.Parse(listen), location.Value(pass)!);
    }

    /// <summary>The upstream block a proxy_pass or grpc_pass target names, checking the target's scheme.</summary>
    private static NginxDirective Upstream(NginxDirective http, string target, string scheme)
    {
        Assert.StartsWith(scheme, target);
        var name = target[scheme.Length..];
        return Assert.Single(http.All("upstream"), upstream => upstream.Arguments.SequenceEqual([name]));
    }

    /// <summary>client_max_body_size in bytes as it applies to a server (its own, else the http block's; nginx's default 1m).</summary>
    private static long BodySizeLimit(NginxDirective http, NginxDirective server)
    {
        var size = server.Value("client_max_body_size") ?? http.Value("client_max_body_size") ?? "1m";
        var match = BodySize().Match(size);
        Assert.True(match.Success, $"client_max_body_size {size}");
        var unit = match.Groups["unit"].Value.ToLowerInvariant() switch { "k" => 1024L, "m" => 1024L * 1024, "g" => 1024L * 1024 * 1024, _ => 1L };
        return long.Parse(match.Groups["size"].Value) * unit;
    }

    private static long ServiceBodyLimit() =>
        new ConfigurationBuilder().AddJsonFile(Repository.PathOf("src/ResNetService.Api/appsettings.json")).Build()
            .GetSection(UploadLimits.SectionName).Get<UploadLimits>()!.MaxRequestBytes;

    /// <summary>The file resolved with the default variables (resolved once: docker-compose takes a second or two).</summary>
    private static YamlMappingNode Config() => DefaultConfig.Value;

    private static YamlMappingNode Resolve(params (string Name, string Value)[] variables)
    {
        var result = Tool.Run(
            ValidatorTools.DockerCompose, ["-f", ComposeFile, "--profile", "gpu", "--profile", "scale", "--profile", "monitoring", "config"],
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

    [GeneratedRegex(@"^(?<size>\d+)(?<unit>[kKmMgG]?)$")]
    private static partial Regex BodySize();
}
