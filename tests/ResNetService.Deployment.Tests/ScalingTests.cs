using System.Globalization;
using k8s.Models;
using ResNetService.Deployment.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// Scaling on queueing and the cluster's safety nets: every kustomization under docker/ builds, its core objects are
/// valid Kubernetes objects, the autoscalers (KEDA's ScaledObject, the HPA on prometheus-adapter's metric) ask for
/// metrics the service exports and scale the Deployment, and the PodDisruptionBudgets, startup probes and topology
/// spread fit the Deployments. The ScaledObject is checked here against the service; KedaTests checks it against KEDA's CRD schema.
/// </summary>
public sealed class ScalingTests
{
    private const string CpuDeployment = "resnet-service";
    private const string GpuDeployment = "resnet-service-gpu";
    private const string Base = KubernetesManifests.Folder;
    private const string Keda = "docker/k8s-overlays/keda";
    private const string Adapter = "docker/k8s-overlays/prometheus-adapter";
    private const string ScaledObjectFile = $"{Keda}/scaledobject.yaml";
    private const string AdapterValuesFile = $"{Adapter}/adapter-values.yaml";

    /// <summary>
    /// The slowest of three measured starts on the shipped models (models/model.onnx and models/repository, 2 intra-op threads), until
    /// /health/ready first answered 200, see docs/kubernetes.md ("Startup probe") for the runs and the machine.
    /// </summary>
    private static readonly TimeSpan MeasuredModelLoad = TimeSpan.FromSeconds(18.7);

    private readonly KubernetesManifests _manifests = new();

    private static ServicePorts Ports => ServicePorts.Of(DockerfileModel.Load(Repository.PathOf("Dockerfile")));

    public static TheoryData<string> Kustomizations => [.. KustomizeBuilds.Folders];

    [Fact]
    public void The_base_and_both_overlays_are_among_the_kustomizations_found()
    {
        Assert.Subset(KustomizeBuilds.Folders.ToHashSet(), new HashSet<string> { Base, Keda, Adapter });
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Every_kustomization_builds_into_valid_core_objects(string folder)
    {
        var built = KustomizeBuilds.Build(folder);

        Assert.NotEmpty(built.Documents);
        Assert.All(built.CoreObjects, o => Assert.NotNull(o));
    }

    [Theory]
    [InlineData(Base, "Resource")]
    [InlineData(Adapter, "Pods")]
    [InlineData(Keda, null)]
    public void Each_build_has_one_autoscaler_for_the_cpu_deployment(string folder, string? hpaMetricType)
    {
        var built = KustomizeBuilds.Build(folder);
        var autoscalers = built.CoreObjects.OfType<V2HorizontalPodAutoscaler>().ToList();
        var scaledObjects = ScaledObjects(built);

        // Two autoscalers on one Deployment would fight; KEDA makes its own HPA from the ScaledObject.
        Assert.Equal(1, autoscalers.Count + scaledObjects.Count);
        Assert.Equal(hpaMetricType, autoscalers.SingleOrDefault()?.Spec.Metrics.Single().Type);
        Assert.Contains(built.CoreObjects.OfType<V1Deployment>(), d => d.Metadata.Name == CpuDeployment);
    }

    [Fact]
    public void The_scaled_object_scales_the_deployment_on_queue_wait_that_the_service_exports()
    {
        var built = KustomizeBuilds.Build(Keda);
        var scaledObject = Assert.Single(ScaledObjects(built));
        var target = scaledObject.Map("spec", "scaleTargetRef");
        var trigger = Assert.Single(scaledObject.List("spec", "triggers"));
        var query = trigger.Text("metadata", "query") ?? "";

        Assert.Equal("keda.sh/v1alpha1", scaledObject.Text("apiVersion"));
        Assert.Equal(("apps/v1", "Deployment", CpuDeployment), (target.Text("apiVersion"), target.Text("kind"), target.Text("name")));
        Assert.Contains(built.CoreObjects.OfType<V1Deployment>(), d => d.Metadata.Name == target.Text("name"));
        Assert.Equal("prometheus", trigger.Text("type"));
        // KEDA's fallback (spec.fallback) works for AverageValue triggers only.
        Assert.Equal("AverageValue", trigger.Text("metricType"));
        Assert.Equal(["resnet_service_queue_wait_time_seconds_bucket"], ExportedMetrics.MentionedIn(query));
        Assert.All(ExportedMetrics.MentionedIn(query), name => Assert.Contains(name, ExportedMetrics.Names));
        AssertReplicasLeaveOneThroughADrain(int.Parse(scaledObject.Text("spec", "minReplicaCount")!), int.Parse(scaledObject.Text("spec", "maxReplicaCount")!));
    }

    [Fact]
    public void The_adapter_rule_serves_the_metric_the_autoscaler_asks_for_from_a_series_the_service_exports()
    {
        var autoscaler = KustomizeBuilds.Build(Adapter).CoreObjects.OfType<V2HorizontalPodAutoscaler>().Single();
        var metric = Assert.Single(autoscaler.Spec.Metrics).Pods;
        var rule = Assert.Single(YamlDocuments.Load(Repository.ReadAllText(AdapterValuesFile)).List("rules", "custom"));
        var series = ExportedMetrics.MentionedIn(rule.Text("seriesQuery")!);

        Assert.Equal(("Deployment", CpuDeployment), (autoscaler.Spec.ScaleTargetRef.Kind, autoscaler.Spec.ScaleTargetRef.Name));
        Assert.Equal(metric.Metric.Name, rule.Text("name", "as"));
        Assert.Matches(rule.Text("name", "matches")!, Assert.Single(series));
        Assert.All(series, name => Assert.Contains(name, ExportedMetrics.Names));
        // The adapter fills these in: the series, the pods' label matchers and the grouping by pod.
        Assert.All(["<<.Series>>", "<<.LabelMatchers>>", "<<.GroupBy>>"], part => Assert.Contains(part, rule.Text("metricsQuery")));
        Assert.Equal(("pod", "namespace"), (rule.Text("resources", "overrides", "pod", "resource"), rule.Text("resources", "overrides", "namespace", "resource")));
        Assert.Equal("AverageValue", metric.Target.Type);
        AssertReplicasLeaveOneThroughADrain(autoscaler.Spec.MinReplicas!.Value, autoscaler.Spec.MaxReplicas);
    }

    [Theory]
    [InlineData("docker/k8s/deployment.yaml", "startupProbe", "startupProb", Keda)]
    [InlineData("docker/k8s/pdb.yaml", "maxUnavailable", "maxUnavailabel", Base)]
    [InlineData("docker/k8s/hpa.yaml", "stabilizationWindowSeconds", "stabilisationWindowSeconds", Base)]
    [InlineData("docker/k8s/service.yaml", "appProtocol", "applicationProtocol", Adapter)]
    [InlineData("docker/k8s-overlays/prometheus-adapter/hpa-queue-wait.yaml", "averageValue", "averageValu", Adapter)]
    public void A_misspelt_field_in_a_built_core_object_fails_naming_the_kustomization_object_and_field(
        string file, string field, string misspelt, string folder)
    {
        var copy = Directory.CreateTempSubdirectory("resnet-kustomize-").FullName;
        try
        {
            foreach (var tree in new[] { "docker/k8s", "docker/k8s-overlays" })
            {
                foreach (var source in Directory.GetFiles(Repository.PathOf(tree), "*", SearchOption.AllDirectories))
                {
                    var target = Path.Combine(copy, Path.GetRelativePath(Repository.Root, source));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(source, target);
                }
            }

            var path = Path.Combine(copy, file);
            Assert.Contains($"{field}:", File.ReadAllText(path));
            File.WriteAllText(path, File.ReadAllText(path).Replace($"{field}:", $"{misspelt}:"));

            var build = KustomizeBuilds.Build(folder, copy);
            var error = Assert.Throws<InvalidDataException>(() => build.CoreObjects);

            Assert.StartsWith($"{folder}: ", error.Message);
            Assert.Contains(misspelt, error.Message);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Promtool_parses_both_queries_and_refuses_a_broken_one()
    {
        var scaledObject = Assert.Single(ScaledObjects(KustomizeBuilds.Build(Keda)));
        var kedaQuery = Assert.Single(scaledObject.List("spec", "triggers")).Text("metadata", "query")!;
        var rule = Assert.Single(YamlDocuments.Load(Repository.ReadAllText(AdapterValuesFile)).List("rules", "custom"));
        // The adapter's template, filled in as it does for one pod of the HPA's namespace.
        var adapterQuery = rule.Text("metricsQuery")!
            .Replace("<<.Series>>", "resnet_service_queue_wait_time_seconds_bucket")
            .Replace("<<.LabelMatchers>>", "namespace=\"default\",pod=\"resnet-service-5d8f7c9b6d-x2x4z\"")
            .Replace("<<.GroupBy>>", "namespace, pod");

        Assert.DoesNotContain("<<", adapterQuery);
        Assert.Empty(PromQlProblems(kedaQuery, adapterQuery));
        Assert.NotEmpty(PromQlProblems(kedaQuery.Replace("[1m]", "[1m")));
    }

    [Fact]
    public void Both_autoscalers_aim_at_the_same_queue_wait_and_replica_range()
    {
        var scaledObject = Assert.Single(ScaledObjects(KustomizeBuilds.Build(Keda)));
        var autoscaler = KustomizeBuilds.Build(Adapter).CoreObjects.OfType<V2HorizontalPodAutoscaler>().Single();
        var threshold = decimal.Parse(Assert.Single(scaledObject.List("spec", "triggers")).Text("metadata", "threshold")!, CultureInfo.InvariantCulture);

        Assert.Equal(threshold, autoscaler.Spec.Metrics.Single().Pods.Target.AverageValue.ToDecimal());
        Assert.InRange(threshold, 0.001m, 5m); // seconds: a target at or past the queue timeout (5 s) is never reached
        Assert.Equal(autoscaler.Spec.MinReplicas.ToString(), scaledObject.Text("spec", "minReplicaCount"));
        Assert.Equal(autoscaler.Spec.MaxReplicas.ToString(CultureInfo.InvariantCulture), scaledObject.Text("spec", "maxReplicaCount"));
        // Queue wait is far from proportional to load: both scale down one pod at a time, after the same window.
        var kedaScaleDown = scaledObject.Map("spec", "advanced", "horizontalPodAutoscalerConfig", "behavior", "scaleDown");
        var kedaPolicy = Assert.Single(kedaScaleDown.List("policies"));
        var policy = Assert.Single(autoscaler.Spec.Behavior.ScaleDown.Policies);
        Assert.Equal(("Pods", 1), (policy.Type, policy.Value));
        Assert.Equal((policy.Type, policy.Value.ToString(CultureInfo.InvariantCulture), policy.PeriodSeconds.ToString(CultureInfo.InvariantCulture)),
            (kedaPolicy.Text("type"), kedaPolicy.Text("value"), kedaPolicy.Text("periodSeconds")));
        Assert.Equal(autoscaler.Spec.Behavior.ScaleDown.StabilizationWindowSeconds.ToString(), kedaScaleDown.Text("stabilizationWindowSeconds"));
    }

    [Theory]
    [InlineData(CpuDeployment, "pdb.yaml")]
    [InlineData(GpuDeployment, "deployment-gpu.yaml")]
    public void A_disruption_budget_covers_exactly_its_deployments_pods(string name, string file)
    {
        var budget = Assert.Single(_manifests.Files[file].OfType<V1PodDisruptionBudget>());
        var budgets = _manifests.All.OfType<V1PodDisruptionBudget>().ToList();

        Assert.Equal(name, budget.Metadata.Name);
        Assert.All(_manifests.Deployments, deployment =>
            Assert.Equal(deployment.Metadata.Name == name, Selects(budget.Spec.Selector, deployment.Spec.Template.Metadata.Labels)));
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        Assert.Null(budget.Spec.MinAvailable);
        // A pod that never gets ready serves nothing: it must not block a node drain.
        Assert.Equal("AlwaysAllow", budget.Spec.UnhealthyPodEvictionPolicy);
        Assert.Equal(2, budgets.Count);
    }

    [Fact]
    public void The_base_kustomization_applies_the_cpu_disruption_budget()
    {
        var objects = KustomizeBuilds.Build(Base).CoreObjects;

        Assert.Equal(CpuDeployment, Assert.Single(objects.OfType<V1PodDisruptionBudget>()).Metadata.Name);
    }

    [Theory]
    [InlineData(CpuDeployment)]
    [InlineData(GpuDeployment)]
    public void The_startup_probe_waits_for_readiness_longer_than_the_measured_model_load(string name)
    {
        var container = Assert.Single(_manifests.Deployment(name).Spec.Template.Spec.Containers);
        var startup = container.StartupProbe;
        var budget = TimeSpan.FromSeconds((startup.InitialDelaySeconds ?? 0) + (startup.PeriodSeconds ?? 10) * (startup.FailureThreshold ?? 3));

        Assert.Equal("/health/ready", startup.HttpGet.Path);
        Assert.Equal(container.ReadinessProbe.HttpGet.Port.Value, startup.HttpGet.Port.Value);
        // Room for a node slower or busier than the one measured, as the manifest's comment says.
        Assert.True(budget >= 3 * MeasuredModelLoad, $"{name}: the startup probe gives {budget}, the shipped model took {MeasuredModelLoad} to load");
    }

    [Theory]
    [InlineData(CpuDeployment)]
    [InlineData(GpuDeployment)]
    public void The_pods_spread_over_nodes_and_constrain_only_their_own_deployment(string name)
    {
        var deployment = _manifests.Deployment(name);
        var constraints = deployment.Spec.Template.Spec.TopologySpreadConstraints;

        Assert.Contains(constraints, c => c.TopologyKey == "kubernetes.io/hostname");
        Assert.All(constraints, constraint =>
        {
            Assert.True(Selects(constraint.LabelSelector, deployment.Spec.Template.Metadata.Labels), constraint.TopologyKey);
            Assert.All(_manifests.Deployments.Where(other => other != deployment), other =>
                Assert.False(Selects(constraint.LabelSelector, other.Spec.Template.Metadata.Labels)));
            // Preferred: a cluster with one zone, or fewer nodes than pods, still runs every pod.
            Assert.Equal("ScheduleAnyway", constraint.WhenUnsatisfiable);
            Assert.Equal(1, constraint.MaxSkew);
        });
    }

    [Fact]
    public void Every_probe_asks_a_health_route_on_a_port_the_service_serves()
    {
        var problems = _manifests.Files
            .SelectMany(file => file.Value.OfType<V1Deployment>().Select(d => ProbeTargets.Problems(file.Key, d, Ports)))
            .SelectMany(p => p);

        Assert.Empty(problems);
        Assert.Contains("/health/ready", ServedRoutes.Health);
        Assert.Contains("/health/live", ServedRoutes.Health);
    }

    [Theory]
    [InlineData("path: /health/ready", "path: /healthz", "/healthz, which the service does not serve")]
    [InlineData("port: http", "port: 9090", "port 9090, where the service does not serve HTTP")]
    [InlineData("port: http", "port: grpc", "port grpc, where the service does not serve HTTP")]
    public void A_probe_on_a_route_or_port_the_service_does_not_serve_is_named_with_its_file(string field, string wrong, string expected)
    {
        const string file = "deployment.yaml";
        var text = Repository.ReadAllText($"{Base}/{file}");
        Assert.Contains(field, text);
        var deployment = KubernetesManifests.Parse<V1Deployment>(text.Replace(field, wrong));

        var problems = ProbeTargets.Problems(file, deployment, Ports);

        Assert.NotEmpty(problems);
        Assert.All(problems, problem => Assert.StartsWith($"{file}: {CpuDeployment}/api ", problem));
        Assert.Contains(problems, problem => problem.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>What promtool says of the expressions, checked as recording rules; empty when they all parse.</summary>
    private static string PromQlProblems(params string[] expressions)
    {
        var folder = Directory.CreateTempSubdirectory("resnet-scaling-queries-").FullName;
        try
        {
            var rules = Path.Combine(folder, "queries.yaml");
            var entries = expressions.Select((expression, i) =>
                $"      - record: query_{i}\n        expr: '{expression.Replace("'", "''")}'");
            File.WriteAllText(rules, $"groups:\n  - name: queries\n    rules:\n{string.Join("\n", entries)}\n");
            var result = Tool.Run(ValidatorTools.Promtool, ["check", "rules", rules]);
            return result.ExitCode == 0 ? "" : result.ToString();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IReadOnlyList<YamlMappingNode> ScaledObjects(KustomizeBuild built) => built.Documents
        .Select(YamlDocuments.Load)
        .Where(o => o.Text("kind") == "ScaledObject")
        .ToList();

    /// <summary>A PodDisruptionBudget of maxUnavailable 1 leaves pods serving through a drain only from two replicas on.</summary>
    private static void AssertReplicasLeaveOneThroughADrain(int min, int max)
    {
        Assert.InRange(min, 2, max);
    }

    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels) =>
        selector.MatchLabels.All(label => labels.TryGetValue(label.Key, out var value) && value == label.Value);
}
