using ResNetService.Deployment.Tests.Support;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// docker/k8s-overlays/keda: the ScaledObject checked against KEDA's published ScaledObject CRD schema (kept as test data,
/// TestData/crds/README.md), as the file holds it and as <c>kubectl kustomize</c> builds it. ScalingTests checks it
/// against the service (its metric, target and replicas).
/// </summary>
public sealed class KedaTests
{
    private const string Folder = "docker/k8s-overlays/keda";
    private const string ScaledObjectFile = $"{Folder}/scaledobject.yaml";

    private static readonly CrdSchema Schema =
        CrdSchema.Load("tests/ResNetService.Deployment.Tests/TestData/crds/keda.sh_scaledobjects.yaml", "v1alpha1");

    private static IReadOnlyList<string> Problems(string file, string text) =>
        YamlDocuments.LoadAll(text).SelectMany(manifest => Schema.Problems(manifest, file)).ToList();

    [Fact]
    public void The_scaled_object_file_conforms_to_kedas_crd_schema()
    {
        var text = Repository.ReadAllText(ScaledObjectFile);

        Assert.Equal("ScaledObject", YamlDocuments.Load(text).Text("kind"));
        Assert.Empty(Problems(ScaledObjectFile, text));
    }

    [Fact]
    public void The_built_scaled_object_conforms_to_kedas_crd_schema()
    {
        var scaledObjects = KustomizeBuilds.Build(Folder).Documents
            .Select(YamlDocuments.Load)
            .Where(o => o.Text("apiVersion") == Schema.ApiVersion && o.Text("kind") == Schema.Kind)
            .ToList();

        var scaledObject = Assert.Single(scaledObjects);
        Assert.Empty(Schema.Problems(scaledObject, $"kubectl kustomize {Folder}"));
    }

    [Theory]
    [InlineData("kind: Deployment\n    name: resnet-service", "kind: Deployment\n    nmae: resnet-service", "docker/k8s-overlays/keda/scaledobject.yaml: spec.scaleTargetRef.nmae: unknown field")]
    [InlineData("kind: Deployment\n    name: resnet-service", "kind: Deployment\n    nmae: resnet-service", "docker/k8s-overlays/keda/scaledobject.yaml: spec.scaleTargetRef.name: required field missing")]
    [InlineData("      behavior:", "      behaviour:", "docker/k8s-overlays/keda/scaledobject.yaml: spec.advanced.horizontalPodAutoscalerConfig.behaviour: unknown field")]
    [InlineData("metricType: AverageValue", "metricTyp: AverageValue", "docker/k8s-overlays/keda/scaledobject.yaml: spec.triggers[0].metricTyp: unknown field")]
    [InlineData("failureThreshold: 4", "failureThreshold: four", "docker/k8s-overlays/keda/scaledobject.yaml: spec.fallback.failureThreshold: must be an integer")]
    [InlineData("periodSeconds: 60", "periodSecond: 60", "docker/k8s-overlays/keda/scaledobject.yaml: spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.policies[0].periodSecond: unknown field")]
    public void A_renamed_field_or_a_wrong_type_fails_naming_the_file_and_the_field_path(string from, string to, string expected)
    {
        var text = Repository.ReadAllText(ScaledObjectFile);
        Assert.Contains(from, text);

        Assert.Contains(expected, Problems(ScaledObjectFile, text.Replace(from, to)));
    }

    [Fact]
    public void The_trigger_metadata_stays_free_form_but_must_hold_strings()
    {
        // KEDA reads each scaler's settings from metadata as strings: a number there is refused by the API server.
        var text = Repository.ReadAllText(ScaledObjectFile);
        Assert.Contains("threshold: \"0.1\"", text);

        Assert.Empty(Problems(ScaledObjectFile, text.Replace("threshold: \"0.1\"", "threshold: \"0.1\"\n        anyName: \"x\"")));
        Assert.Contains("docker/k8s-overlays/keda/scaledobject.yaml: spec.triggers[0].metadata.threshold: must be a string",
            Problems(ScaledObjectFile, text.Replace("threshold: \"0.1\"", "threshold: 0.1")));
    }
}
