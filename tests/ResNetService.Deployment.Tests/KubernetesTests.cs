using k8s.Models;
using ResNetService.Deployment.Tests.Support;
using YamlDotNet.Core;

namespace ResNetService.Deployment.Tests;

/// <summary>The Kubernetes manifests: valid objects of the Kubernetes API, wired to each other and to the image.</summary>
public sealed class KubernetesTests
{
    private const string CpuDeployment = "resnet-service";
    private const string GpuDeployment = "resnet-service-gpu";

    private readonly KubernetesManifests _manifests = new();
    private readonly DockerfileModel _dockerfile = DockerfileModel.Load(Repository.PathOf("Dockerfile"));

    /// <summary>The image's REST and gRPC ports (read when a test needs them, so a bad Grpc__Url fails only those).</summary>
    private ServicePorts Ports => ServicePorts.Of(_dockerfile);

    [Fact]
    public void Every_file_holds_known_objects_and_the_kustomization_lists_existing_files()
    {
        var kinds = _manifests.All.Select(o => o.GetType()).ToList();
        var kustomization = YamlDocuments.Load(Repository.ReadAllText($"{KubernetesManifests.Folder}/kustomization.yaml"));
        var listed = kustomization.List("resources").Select(r => r.ToString()).ToList();

        Assert.Equal(2, kinds.Count(k => k == typeof(V1Deployment)));
        Assert.Single(kinds, typeof(V1Service));
        Assert.Single(kinds, typeof(V2HorizontalPodAutoscaler));
        Assert.Equal(2, kinds.Count(k => k == typeof(V1PodDisruptionBudget)));
        Assert.All(listed, file => Assert.True(File.Exists(Repository.PathOf($"{KubernetesManifests.Folder}/{file}")), file));
        Assert.Equal(["deployment.yaml", "hpa.yaml", "pdb.yaml", "service.yaml"], listed.Order());
    }

    [Fact]
    public void A_misspelt_field_is_refused()
    {
        var text = Repository.ReadAllText($"{KubernetesManifests.Folder}/deployment.yaml");

        Assert.ThrowsAny<YamlException>(() => KubernetesManifests.Parse<V1Deployment>(text.Replace("readinessProbe", "readynessProbe")));
    }

    [Theory]
    [InlineData(CpuDeployment)]
    [InlineData(GpuDeployment)]
    public void The_deployment_probes_the_health_endpoints_on_the_image_port(string name)
    {
        var deployment = _manifests.Deployment(name);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        var port = Assert.Single(container.Ports, p => p.Name == "http");

        Assert.Equal(Ports.Http, port.ContainerPort);
        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
        Assert.Equal(port.Name, container.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal(port.Name, container.LivenessProbe.HttpGet.Port.Value);
    }

    [Theory]
    [InlineData(CpuDeployment)]
    [InlineData(GpuDeployment)]
    public void The_deployment_declares_the_image_grpc_port_by_name_and_the_image_sets_its_address(string name)
    {
        var container = Assert.Single(_manifests.Deployment(name).Spec.Template.Spec.Containers);
        var flavor = name == GpuDeployment ? "gpu" : "cpu";

        Assert.Equal([("http", Ports.Http), ("grpc", Ports.Grpc)], container.Ports.Select(p => (p.Name, p.ContainerPort)));
        Assert.All(container.Ports, p => Assert.True(p.Protocol is null or "TCP", p.Protocol));
        // The address comes from the image (Grpc__Url); the manifest must not move it away from the declared port.
        Assert.DoesNotContain(container.Env, e => e.Name == ServiceSettings.GrpcUrl);
        Assert.Equal(Ports, ServicePorts.Of(_dockerfile, flavor));
    }

    [Theory]
    [InlineData(CpuDeployment)]
    [InlineData(GpuDeployment)]
    public void The_deployment_selects_its_own_pods_requests_resources_and_runs_as_the_image_user(string name)
    {
        var deployment = _manifests.Deployment(name);
        var pod = deployment.Spec.Template;
        var container = Assert.Single(pod.Spec.Containers);
        var imageUser = _dockerfile.InStage("base-gpu", "RUN").Single(run => run.Arguments.Contains("useradd")).Arguments;

        Assert.Subset(pod.Metadata.Labels.ToHashSet(), deployment.Spec.Selector.MatchLabels.ToHashSet());
        Assert.Contains("cpu", container.Resources.Requests.Keys);
        Assert.Contains("memory", container.Resources.Requests.Keys);
        Assert.Contains("memory", container.Resources.Limits.Keys);
        Assert.True(pod.Spec.SecurityContext.RunAsNonRoot);
        Assert.Contains($"--uid {pod.Spec.SecurityContext.RunAsUser}", imageUser); // Microsoft's images use the same uid.
        Assert.Empty(ServiceSettings.Problems(container.Env.ToDictionary(e => e.Name, e => e.Value)));
    }

    [Fact]
    public void The_gpu_variant_asks_for_an_nvidia_gpu_and_the_cuda_provider()
    {
        var container = Assert.Single(_manifests.Deployment(GpuDeployment).Spec.Template.Spec.Containers);

        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.EndsWith(":gpu", container.Image);
        Assert.Equal("Cuda", container.Env.Single(e => e.Name == "Model__ExecutionProvider").Value);
        Assert.DoesNotContain("nvidia.com/gpu", Assert.Single(_manifests.Deployment(CpuDeployment).Spec.Template.Spec.Containers).Resources.Limits.Keys);
    }

    [Fact]
    public void The_two_deployments_do_not_claim_each_others_pods()
    {
        var cpu = _manifests.Deployment(CpuDeployment);
        var gpu = _manifests.Deployment(GpuDeployment);

        Assert.False(Selects(cpu.Spec.Selector, gpu.Spec.Template.Metadata.Labels));
        Assert.False(Selects(gpu.Spec.Selector, cpu.Spec.Template.Metadata.Labels));
    }

    [Fact]
    public void The_service_reaches_the_pods_of_both_deployments_on_their_named_ports()
    {
        var service = _manifests.All.OfType<V1Service>().Single();

        Assert.Equal(["http", "grpc"], service.Spec.Ports.Select(p => p.TargetPort.Value));
        Assert.All(_manifests.Deployments, deployment =>
        {
            Assert.Subset(deployment.Spec.Template.Metadata.Labels.ToHashSet(), service.Spec.Selector.ToHashSet());
            Assert.All(service.Spec.Ports, port => Assert.Contains(deployment.Spec.Template.Spec.Containers[0].Ports, p => p.Name == port.TargetPort.Value));
        });
    }

    [Fact]
    public void The_service_exposes_grpc_as_cleartext_http2_on_its_own_port()
    {
        var ports = _manifests.All.OfType<V1Service>().Single().Spec.Ports;
        var grpc = Assert.Single(ports, p => p.TargetPort.Value == "grpc");
        var http = Assert.Single(ports, p => p.TargetPort.Value == "http");

        Assert.Equal("grpc", grpc.Name);
        Assert.Equal(Ports.Grpc, grpc.Port);
        // Cleartext HTTP/2 (h2c), so that gateways and meshes do not speak HTTP/1.1 or TLS to it.
        Assert.Equal("kubernetes.io/h2c", grpc.AppProtocol);
        Assert.NotEqual(http.Port, grpc.Port);
        Assert.Null(http.AppProtocol);
    }

    [Fact]
    public void The_autoscaler_scales_the_cpu_deployment_on_its_cpu_request()
    {
        var autoscaler = _manifests.All.OfType<V2HorizontalPodAutoscaler>().Single();
        var metric = Assert.Single(autoscaler.Spec.Metrics);

        Assert.Equal("Deployment", autoscaler.Spec.ScaleTargetRef.Kind);
        Assert.Equal(CpuDeployment, autoscaler.Spec.ScaleTargetRef.Name);
        Assert.InRange(autoscaler.Spec.MinReplicas!.Value, 1, autoscaler.Spec.MaxReplicas);
        Assert.Equal("cpu", metric.Resource.Name);
        Assert.Equal("Utilization", metric.Resource.Target.Type);
        Assert.Contains("cpu", _manifests.Deployment(CpuDeployment).Spec.Template.Spec.Containers[0].Resources.Requests.Keys);
    }

    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels) =>
        selector.MatchLabels.All(label => labels.TryGetValue(label.Key, out var value) && value == label.Value);
}
