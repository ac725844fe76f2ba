using ResNetService.Deployment.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// docker/kserve: the serving runtime and InferenceServices checked against KServe's published CRD schemas (kept as test
/// data, TestData/crds/README.md), and wired to the image: its ports, its probe routes, its settings.
/// </summary>
public sealed class KServeTests
{
    private const string Folder = "docker/kserve";
    private const string Crds = "tests/ResNetService.Deployment.Tests/TestData/crds";
    private const string Runtime = $"{Folder}/runtime.yaml";

    private static readonly CrdSchema[] Schemas =
    [
        CrdSchema.Load($"{Crds}/serving.kserve.io_clusterservingruntimes.yaml", "v1alpha1"),
        CrdSchema.Load($"{Crds}/serving.kserve.io_inferenceservices.yaml", "v1beta1"),
    ];

    private static ServicePorts Ports => ServicePorts.Of(DockerfileModel.Load(Repository.PathOf("Dockerfile")));

    /// <summary>Every object in the folder, by file (relative to the repository root), kustomization aside.</summary>
    private static IEnumerable<(string File, YamlMappingNode Manifest)> Manifests() =>
        Directory.GetFiles(Repository.PathOf(Folder), "*.yaml").Order()
            .Where(path => Path.GetFileName(path) != "kustomization.yaml")
            .SelectMany(path => YamlDocuments.LoadAll(File.ReadAllText(path)).Select(m => ($"{Folder}/{Path.GetFileName(path)}", m)));

    private static IReadOnlyList<string> Problems(string file, string text) =>
        YamlDocuments.LoadAll(text).SelectMany(manifest => SchemaOf(manifest).Problems(manifest, file)).ToList();

    private static CrdSchema SchemaOf(YamlMappingNode manifest) =>
        Schemas.Single(s => s.ApiVersion == manifest.Text("apiVersion") && s.Kind == manifest.Text("kind"));

    private static YamlMappingNode Container() =>
        (YamlMappingNode)Assert.Single(Manifests().Single(m => m.File == Runtime).Manifest.List("spec", "containers"));

    [Fact]
    public void Every_manifest_conforms_to_its_kserve_crd_schema()
    {
        var manifests = Manifests().ToList();

        Assert.Equal(["ClusterServingRuntime", "InferenceService", "InferenceService"], manifests.Select(m => m.Manifest.Text("kind")).Order());
        Assert.All(manifests, m => Assert.Empty(SchemaOf(m.Manifest).Problems(m.Manifest, m.File)));
    }

    [Theory]
    [InlineData("runtime.yaml", "autoSelect:", "autoSelekt:", "docker/kserve/runtime.yaml: spec.supportedModelFormats[0].autoSelekt: unknown field")]
    [InlineData("runtime.yaml", "readinessProbe:", "readynessProbe:", "docker/kserve/runtime.yaml: spec.containers[0].readynessProbe: unknown field")]
    [InlineData("runtime.yaml", "containerPort: 8081", "containerPort: grpc", "docker/kserve/runtime.yaml: spec.containers[0].ports[1].containerPort: must be an integer")]
    [InlineData("inferenceservice-torchvision.yaml", "storageUri:", "storageUrl:", "docker/kserve/inferenceservice-torchvision.yaml: spec.predictor.model.storageUrl: unknown field")]
    [InlineData("inferenceservice-shipped.yaml", "modelFormat:", "modelFormats:", "docker/kserve/inferenceservice-shipped.yaml: spec.predictor.model.modelFormats: unknown field")]
    [InlineData("inferenceservice-shipped.yaml", "maxReplicas: 4", "maxReplicas: four", "docker/kserve/inferenceservice-shipped.yaml: spec.predictor.maxReplicas: must be an integer")]
    public void A_renamed_field_or_a_wrong_type_fails_naming_the_file_and_the_field_path(string file, string from, string to, string expected)
    {
        var text = Repository.ReadAllText($"{Folder}/{file}");
        Assert.Contains(from, text);

        Assert.Contains(expected, Problems($"{Folder}/{file}", text.Replace(from, to)));
    }

    [Fact]
    public void The_kustomization_builds_and_lists_every_manifest()
    {
        var build = Tool.Run("kubectl", ["kustomize", Repository.PathOf(Folder)]);
        Assert.True(build.ExitCode == 0, build.ToString());
        var built = YamlDocuments.LoadAll(build.Output);

        Assert.Equal(
            Manifests().Select(m => (m.Manifest.Text("kind"), m.Manifest.Text("metadata", "name"))).Order(),
            built.Select(m => (m.Text("kind"), m.Text("metadata", "name"))).Order());
    }

    [Fact]
    public void The_runtime_declares_the_image_ports_and_probes_routes_the_service_serves()
    {
        Assert.Empty(WiringProblems(Runtime, Repository.ReadAllText(Runtime)));
    }

    [Theory]
    [InlineData("path: /v2/health/ready", "path: /v2/health/readyz", "docker/kserve/runtime.yaml: readinessProbe: /v2/health/readyz is not a route the service serves")]
    [InlineData("path: /v2/health/live", "path: /v2/health/alive", "docker/kserve/runtime.yaml: livenessProbe: /v2/health/alive is not a route the service serves")]
    [InlineData("path: /v2/health/live\n          port: 8080", "path: /v2/health/live\n          port: 9090", "docker/kserve/runtime.yaml: livenessProbe: port 9090 is not the image's REST port 8080")]
    [InlineData("containerPort: 8081", "containerPort: 9000", "docker/kserve/runtime.yaml: ports are [http1:8080, h2c:9000], not the image's [http1:8080, h2c:8081]")]
    public void A_probe_on_a_route_or_port_the_service_does_not_serve_fails_naming_the_file(string from, string to, string expected)
    {
        var text = Repository.ReadAllText(Runtime);
        Assert.Contains(from, text);

        var problems = WiringProblems(Runtime, text.Replace(from, to));

        Assert.Contains(problems, problem => problem.StartsWith(expected, StringComparison.Ordinal));
    }

    /// <summary>
    /// The runtime's container against the image and the service: REST then gRPC on the image's ports (KServe exposes
    /// the first as REST; h2c is Knative's and KServe's name for cleartext HTTP/2), and probes on routes the service maps
    /// (the Open Inference Protocol's, as KServe expects) at its REST port.
    /// </summary>
    private static IReadOnlyList<string> WiringProblems(string file, string text)
    {
        var container = (YamlMappingNode)Assert.Single(YamlDocuments.Load(text).List("spec", "containers"));
        var problems = new List<string>();
        var ports = container.List("ports").Select(p => $"{p.Text("name")}:{p.Text("containerPort")}").ToList();
        var expectedPorts = new[] { $"http1:{Ports.Http}", $"h2c:{Ports.Grpc}" };
        if (!ports.SequenceEqual(expectedPorts))
        {
            problems.Add($"{file}: ports are [{string.Join(", ", ports)}], not the image's [{string.Join(", ", expectedPorts)}]");
        }

        var served = ServiceRoutes.HealthGets();
        foreach (var (probe, expectedPath) in new[] { ("readinessProbe", "/v2/health/ready"), ("livenessProbe", "/v2/health/live") })
        {
            var path = container.Text(probe, "httpGet", "path");
            var port = container.Text(probe, "httpGet", "port");
            if (path is null || !served.Contains(path))
            {
                problems.Add($"{file}: {probe}: {path} is not a route the service serves ({string.Join(", ", served.Order())})");
            }
            else if (path != expectedPath)
            {
                problems.Add($"{file}: {probe}: {path} is not the Open Inference Protocol's {expectedPath}");
            }

            if (port != Ports.Http.ToString())
            {
                problems.Add($"{file}: {probe}: port {port} is not the image's REST port {Ports.Http}");
            }
        }

        return problems;
    }

    [Fact]
    public void The_runtime_settings_are_real_settings_and_point_the_service_at_the_model_folder()
    {
        var container = Container();
        var environment = container.List("env").ToDictionary(e => e.Text("name")!, e => e.Text("value") ?? "");
        var arguments = container.List("args").Select(a => a.ToString()).ToList();
        // Command-line settings (--Section:Key=value) bind as environment variables do; KServe fills in {{.Name}}.
        var settings = environment.Concat(arguments.Select(Argument)).ToDictionary();
        using var modelDir = new TemporaryModelDir();
        settings["ModelRepository__ModelDir"] = modelDir.Path; // /mnt/models, as the storage initializer fills it

        Assert.Equal("/mnt/models", environment["ModelRepository__ModelDir"]);
        Assert.Contains("--Model:Name={{.Name}}", arguments);
        Assert.Empty(ServiceSettings.Problems(settings));
    }

    [Fact]
    public void The_runtime_drains_within_kubernetes_default_grace_period()
    {
        var environment = Container().List("env").ToDictionary(e => e.Text("name")!, e => e.Text("value") ?? "");
        var shutdown = ServiceSettings.Shutdown(environment);

        // KServe's predictor pods keep Kubernetes' default of 30 s unless an InferenceService sets its own.
        Assert.True(shutdown.AcceptDelay + shutdown.DrainTimeout < TimeSpan.FromSeconds(30), $"{shutdown.AcceptDelay} + {shutdown.DrainTimeout}");
        Assert.All(Manifests().Where(m => m.Manifest.Text("kind") == "InferenceService"),
            m => Assert.Null(m.Manifest.At("spec", "predictor", "terminationGracePeriodSeconds")));
    }

    [Fact]
    public void The_inference_services_use_the_runtime_in_raw_deployment_mode_for_onnx_over_v2()
    {
        var runtime = Manifests().Single(m => m.File == Runtime).Manifest;
        var formats = runtime.List("spec", "supportedModelFormats").Select(f => f.Text("name"));
        var services = Manifests().Where(m => m.Manifest.Text("kind") == "InferenceService").Select(m => m.Manifest).ToList();

        Assert.Equal(["v2", "grpc-v2"], runtime.List("spec", "protocolVersions").Select(v => v.ToString()));
        Assert.All(services, service =>
        {
            Assert.Equal("RawDeployment", service.Text("metadata", "annotations", "serving.kserve.io/deploymentMode"));
            Assert.Equal(runtime.Text("metadata", "name"), service.Text("spec", "predictor", "model", "runtime"));
            Assert.Contains(service.Text("spec", "predictor", "model", "modelFormat", "name"), formats);
            Assert.Equal("v2", service.Text("spec", "predictor", "model", "protocolVersion"));
        });
        // The shipped model has no storageUri, so no /mnt/models: it clears the runtime's model folder.
        var shipped = services.Single(s => s.At("spec", "predictor", "model", "storageUri") is null);
        Assert.Equal("", ((YamlMappingNode)Assert.Single(shipped.List("spec", "predictor", "model", "env"))).Text("value"));
        Assert.EndsWith("model.onnx", services.Single(s => s != shipped).Text("spec", "predictor", "model", "storageUri"));
    }

    private static KeyValuePair<string, string> Argument(string argument)
    {
        Assert.StartsWith("--", argument);
        var (key, value) = (argument[2..].Split('=', 2)[0], argument.Split('=', 2)[1]);
        return KeyValuePair.Create(key.Replace(":", "__"), value.Replace("{{.Name}}", "resnet50"));
    }

    /// <summary>A folder with one .onnx file, as the storage initializer leaves /mnt/models for a single model.</summary>
    private sealed class TemporaryModelDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("kserve-model-dir-").FullName;

        public TemporaryModelDir() => File.WriteAllBytes(System.IO.Path.Combine(Path, "model.onnx"), [0]);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
