using ResNetService.Api.Telemetry;
using ResNetService.Deployment.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// How Prometheus finds the service: compose's <c>monitoring</c> profile (resolved by docker-compose as the other
/// profiles are, its Prometheus config checked by promtool) and the scrape annotations of the Kubernetes pods.
/// </summary>
public sealed class MonitoringTests
{
    private const string PrometheusConfig = "docker/prometheus.yml";

    private readonly DockerfileModel _dockerfile = DockerfileModel.Load(Repository.PathOf("Dockerfile"));

    private int HttpPort => int.Parse(_dockerfile.Environment("service", new Dictionary<string, string> { ["FLAVOR"] = "cpu" })["ASPNETCORE_HTTP_PORTS"]);

    [Fact]
    public void The_monitoring_profile_runs_prometheus_on_the_repositorys_config()
    {
        var config = Resolve(("PROMETHEUS_PORT", "9191"));
        var prometheus = config.Map("services", "prometheus");

        Assert.Equal(["monitoring"], prometheus.List("profiles").Select(p => p.ToString()));
        Assert.StartsWith("prom/prometheus:v", prometheus.Text("image"));
        var port = Assert.Single(prometheus.List("ports"));
        Assert.Equal("9090", port.Text("target"));
        Assert.Equal("9191", port.Text("published"));
        var volumes = prometheus.List("volumes").Select(v => v.ToString()).ToList();
        Assert.Contains($"{Repository.PathOf(PrometheusConfig)}:/etc/prometheus/prometheus.yml:ro", volumes);
    }

    [Fact]
    public void The_prometheus_config_scrapes_the_metrics_path_of_every_api_service_on_the_image_port()
    {
        var scrape = Assert.Single(YamlDocuments.Load(Repository.ReadAllText(PrometheusConfig)).List("scrape_configs"));
        var discovery = Assert.Single(scrape.List("dns_sd_configs"));
        var apiServices = Resolve().Map("services").Children
            .Where(service => service.Value.Text("image")?.StartsWith("resnet-service:", StringComparison.Ordinal) == true)
            .Select(service => service.Key.ToString());

        Assert.Equal(TelemetrySetup.MetricsPath, scrape.Text("metrics_path"));
        Assert.Equal(HttpPort.ToString(), discovery.Text("port"));
        Assert.Equal(apiServices.Order(), discovery.List("names").Select(n => n.ToString()).Order());
    }

    [Fact]
    public void Promtool_accepts_the_prometheus_config_and_refuses_a_broken_one()
    {
        var broken = Path.Combine(Directory.CreateTempSubdirectory("resnet-prometheus-config-").FullName, "prometheus.yml");
        File.WriteAllText(broken, Repository.ReadAllText(PrometheusConfig).Replace("dns_sd_configs", "dns_sd_config"));
        try
        {
            var good = Tool.Run(ValidatorTools.Promtool, ["check", "config", Repository.PathOf(PrometheusConfig)]);
            var bad = Tool.Run(ValidatorTools.Promtool, ["check", "config", broken]);

            Assert.True(good.ExitCode == 0, $"promtool check config: {good}");
            Assert.NotEqual(0, bad.ExitCode);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(broken)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("resnet-service")]
    [InlineData("resnet-service-gpu")]
    public void The_pods_are_annotated_for_prometheus_with_the_metrics_path_and_container_port(string deployment)
    {
        var pod = new KubernetesManifests().Deployment(deployment).Spec.Template;
        var port = Assert.Single(Assert.Single(pod.Spec.Containers).Ports, p => p.Name == "http");

        Assert.Equal("true", pod.Metadata.Annotations["prometheus.io/scrape"]);
        // Metrics are on the REST port, not the gRPC one.
        Assert.Equal(HttpPort, port.ContainerPort);
        Assert.Equal(port.ContainerPort.ToString(), pod.Metadata.Annotations["prometheus.io/port"]);
        Assert.Equal(TelemetrySetup.MetricsPath, pod.Metadata.Annotations["prometheus.io/path"]);
    }

    private static YamlMappingNode Resolve(params (string Name, string Value)[] variables)
    {
        var result = Tool.Run(
            ValidatorTools.DockerCompose,
            ["-f", Repository.PathOf("docker-compose.yml"), "--profile", "gpu", "--profile", "scale", "--profile", "monitoring", "config"],
            environment: variables.ToDictionary(v => v.Name, v => v.Value));
        Assert.True(result.ExitCode == 0, $"docker-compose config: {result}");
        return YamlDocuments.Load(result.Output);
    }
}
