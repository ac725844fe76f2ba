using System.Xml.Linq;
using ResNetService.Deployment.Tests.Support;

namespace ResNetService.Deployment.Tests;

/// <summary>The Dockerfile agrees with the repository: what it copies exists, what it runs is what the projects build.</summary>
public sealed class DockerfileTests
{
    private const string ApiProject = "src/ResNetService.Api/ResNetService.Api.csproj";
    private const string TrainerProject = "src/ResNetService.Trainer/ResNetService.Trainer.csproj";

    private static readonly Dictionary<string, string> Cpu = new() { ["FLAVOR"] = "cpu" };
    private static readonly Dictionary<string, string> Gpu = new() { ["FLAVOR"] = "gpu" };

    private readonly DockerfileModel _dockerfile = DockerfileModel.Load(Repository.PathOf("Dockerfile"));

    [Fact]
    public void Every_copied_path_exists_and_is_in_the_build_context()
    {
        var included = BuildContext.IncludedPaths;
        var sources = _dockerfile.All("COPY")
            .Where(copy => !copy.Arguments.StartsWith("--from="))
            .SelectMany(copy => copy.Words[..^1])
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
        {
            Assert.True(File.Exists(Repository.PathOf(source)) || Directory.Exists(Repository.PathOf(source)), $"{source} does not exist");
            Assert.Contains(included, path => source.TrimEnd('/') == path || source.StartsWith(path + "/"));
        });
    }

    [Fact]
    public void The_restore_layer_copies_every_project_the_api_references()
    {
        var copied = _dockerfile.InStage("build", "COPY").SelectMany(copy => copy.Words).Where(word => word.EndsWith(".csproj")).ToHashSet();

        var needed = ProjectClosure(ApiProject).ToHashSet();

        Assert.Contains("src/ResNetService.Inference/ResNetService.Inference.csproj", needed);
        Assert.Equal(needed, copied);
    }

    [Fact]
    public void The_build_publishes_the_api_as_the_deployment_tests_do_and_switches_onnx_runtime_by_flavor()
    {
        var publish = _dockerfile.InStage("build", "RUN").Single(run => run.Arguments.Contains("dotnet publish"));

        Assert.Contains("dotnet " + string.Join(' ', PublishedService.PublishArguments) + " /app", publish.Arguments);
        Assert.Contains("-p:OnnxRuntimeGpu=", publish.Arguments);
        Assert.Contains("\"$FLAVOR\" = gpu", publish.Arguments);
        Assert.Equal("cpu", _dockerfile.GlobalArguments["FLAVOR"]);
    }

    [Fact]
    public void Restore_and_publish_switch_onnx_runtime_by_the_same_flavor_expression()
    {
        var restore = _dockerfile.InStage("build", "RUN").Single(run => run.Arguments.Contains("dotnet restore"));
        var publish = _dockerfile.InStage("build", "RUN").Single(run => run.Arguments.Contains("dotnet publish"));

        // Publishing with --no-restore needs the restore to have seen the same package, so both use one expression.
        const string flavorSwitch = "-p:OnnxRuntimeGpu=\"$([ \"$FLAVOR\" = gpu ] && echo true || echo false)\"";
        Assert.Contains(flavorSwitch, restore.Arguments);
        Assert.Contains(flavorSwitch, publish.Arguments);
        Assert.Contains("--no-restore", publish.Arguments);
    }

    [Fact]
    public void The_service_is_the_last_stage_and_its_base_follows_the_flavor()
    {
        Assert.Equal("service", _dockerfile.Stages[^1]);
        Assert.Equal("base-${FLAVOR}", _dockerfile.BaseOf("service"));
        Assert.Contains("base-cpu", _dockerfile.Stages);
        Assert.Contains("base-gpu", _dockerfile.Stages);
        Assert.Equal("${CUDA_IMAGE}", _dockerfile.BaseOf("base-gpu"));
        // CUDA 13: what ONNX Runtime 1.32.0's GPU build links (checked against the published library in PublishedGpuServiceTests).
        Assert.Matches(@"^nvidia/cuda:13\.\d+(\.\d+)?-cudnn-runtime-ubuntu24\.04$", _dockerfile.GlobalArguments["CUDA_IMAGE"]);
    }

    [Fact]
    public void External_images_are_pinned_to_a_tag_other_than_latest()
    {
        var images = _dockerfile.All("FROM")
            .Select(from => DockerfileModel.Substitute(from.Words[0], _dockerfile.GlobalArguments))
            .Where(image => !_dockerfile.Stages.Contains(image) && !image.StartsWith("base-"))
            .ToList();

        Assert.Equal(3, images.Count); // SDK, ASP.NET Core runtime, CUDA
        Assert.All(images, image => Assert.Matches(@"^[\w./-]+:[\w.-]+$", image));
        Assert.DoesNotContain(images, image => image.EndsWith(":latest"));
    }

    [Fact]
    public void The_service_listens_on_the_exposed_port_and_runs_the_api_assembly_as_a_non_root_user()
    {
        var environment = _dockerfile.Environment("service", Cpu);

        Assert.Equal(["8080", "8081"], _dockerfile.InStage("service", "EXPOSE").Single().Words);
        Assert.Equal("8080", environment["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal(["dotnet", AssemblyName(ApiProject) + ".dll"], EntryPoint("service"));
        Assert.Equal("app", _dockerfile.InStage("service", "USER").Last().Arguments);
        Assert.Equal("/app", _dockerfile.InStage("service", "WORKDIR").Single().Arguments);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void Both_flavors_listen_for_grpc_on_the_second_exposed_port_any_address_without_tls(string flavor)
    {
        var grpcUrl = _dockerfile.Environment("service", new Dictionary<string, string> { ["FLAVOR"] = flavor })[ServiceSettings.GrpcUrl];
        var ports = ServicePorts.Of(_dockerfile, flavor);

        // KServe's runtimes pair them so: REST on 8080, gRPC on 8081.
        Assert.Equal(new ServicePorts(8080, 8081), ports);
        Assert.Equal([ports.Http.ToString(), ports.Grpc.ToString()], _dockerfile.InStage("service", "EXPOSE").Single().Words);
        // Every interface, as ASPNETCORE_HTTP_PORTS listens: other containers and pods reach it.
        Assert.Matches(@"^http://[*+]:\d+$", grpcUrl);
    }

    [Fact]
    public void The_grpc_address_check_takes_only_cleartext_addresses_with_a_port_of_their_own()
    {
        Assert.Equal(8081, ServiceSettings.GrpcPort("http://*:8081"));
        Assert.Equal(8081, ServiceSettings.GrpcPort("http://0.0.0.0:8081"));
        Assert.Equal(9000, ServiceSettings.GrpcPort("http://+:9000/"));
        Assert.Null(ServiceSettings.GrpcPort("https://*:8081")); // TLS would need a certificate the image does not have
        Assert.Null(ServiceSettings.GrpcPort("http://*")); // port 80 by default, not a port of its own
        Assert.Null(ServiceSettings.GrpcPort("http://*:8081/grpc"));
        Assert.Null(ServiceSettings.GrpcPort("8081"));
        Assert.Single(ServiceSettings.Problems(new Dictionary<string, string> { [ServiceSettings.GrpcUrl] = "https://*:8081" }));
        Assert.Empty(ServiceSettings.Problems(new Dictionary<string, string> { [ServiceSettings.GrpcUrl] = "http://*:8081" }));
    }

    [Fact]
    public void The_health_check_probes_readiness_on_the_service_port_with_the_service_binary()
    {
        var healthCheck = _dockerfile.InStage("service", "HEALTHCHECK").Single();
        var command = DockerInstruction.ExecForm(healthCheck.Arguments[(healthCheck.Arguments.IndexOf("CMD ") + 4)..]);

        Assert.Contains("--start-period=", healthCheck.Arguments);
        Assert.Equal(
            ["dotnet", AssemblyName(ApiProject) + ".dll", "--health-probe", "http://127.0.0.1:8080/health/ready"], command);
    }

    [Fact]
    public void The_trainer_target_runs_the_trainer_assembly_as_a_non_root_user()
    {
        Assert.Equal("resnet-trainer", AssemblyName(TrainerProject));
        Assert.Equal(["dotnet", "/trainer/resnet-trainer.dll"], EntryPoint("trainer"));
        Assert.Equal("app", _dockerfile.InStage("trainer", "USER").Last().Arguments);
        Assert.Contains(_dockerfile.InStage("build-trainer", "RUN"), run => run.Arguments.Contains("dotnet publish " + TrainerProject));
    }

    [Fact]
    public void Every_environment_variable_of_both_flavors_is_a_real_setting()
    {
        var cpu = _dockerfile.Environment("service", Cpu);
        var gpu = _dockerfile.Environment("service", Gpu);

        Assert.Equal("models/model.onnx", cpu["Model__Path"]);
        Assert.Contains("NVIDIA_VISIBLE_DEVICES", gpu.Keys);
        Assert.Empty(ServiceSettings.Problems(cpu));
        Assert.Empty(ServiceSettings.Problems(gpu));
    }

    [Fact]
    public void The_settings_check_rejects_unknown_names_and_bad_values()
    {
        var problems = ServiceSettings.Problems(new Dictionary<string, string>
        {
            ["Model__Pathh"] = "models/model.onnx",
            ["Model__ExecutionProvider"] = "Tpu",
            ["Batching__MaxBatchSize"] = "eight",
            ["Modell__Path"] = "x",
            ["Logging__Json"] = "yes",
            ["Model__DeviceId"] = "1",
        });

        Assert.Equal(5, problems.Count);
        Assert.DoesNotContain(problems, problem => problem.StartsWith("Model__DeviceId"));
    }

    [Fact]
    public void The_settings_check_runs_the_service_validation_on_the_whole_configuration()
    {
        Assert.Empty(ServiceSettings.Problems(new Dictionary<string, string> { ["Uploads__MaxFilesPerBatch"] = "256" }));

        // More files per request than the queue (256 in appsettings.json) takes at once; a delay over 1 s.
        var tooManyFiles = ServiceSettings.Problems(new Dictionary<string, string> { ["Uploads__MaxFilesPerBatch"] = "257" });
        var longDelay = ServiceSettings.Problems(new Dictionary<string, string> { ["Batching__MaxBatchDelay"] = "00:00:05" });

        Assert.Contains("QueueCapacity", Assert.Single(tooManyFiles));
        Assert.Contains("MaxBatchDelay", Assert.Single(longDelay));
    }

    private string[] EntryPoint(string stage) => DockerInstruction.ExecForm(_dockerfile.InStage(stage, "ENTRYPOINT").Single().Arguments);

    private static string AssemblyName(string project) =>
        XDocument.Load(Repository.PathOf(project)).Descendants("AssemblyName").SingleOrDefault()?.Value
        ?? Path.GetFileNameWithoutExtension(project);

    /// <summary>The project and every project it references, directly or not, as repository-relative paths.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var folder = Path.GetDirectoryName(Repository.PathOf(project))!;
        var references = XDocument.Load(Repository.PathOf(project)).Descendants("ProjectReference")
            .Select(reference => Path.GetRelativePath(Repository.Root, Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value.Replace('\\', '/'))))
                .Replace('\\', '/'));
        return references.SelectMany(ProjectClosure).Prepend(project).Distinct();
    }
}
