using k8s;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// Every kustomization under docker/, built by <c>kubectl kustomize</c> as <c>kubectl apply -k</c> would build it.
/// kubectl must be installed (1.32 with kustomize 5.5 on these machines): the check fails rather than pass unrun.
/// </summary>
public static class KustomizeBuilds
{
    /// <summary>API groups of custom resources, which the Kubernetes client has no models for (checked elsewhere).</summary>
    public static readonly IReadOnlySet<string> CustomGroups = new HashSet<string> { "keda.sh", "serving.kserve.io", "monitoring.coreos.com" };

    /// <summary>The folders holding a kustomization.yaml, relative to the repository, with '/' between parts.</summary>
    public static IReadOnlyList<string> Folders { get; } = Directory
        .GetFiles(Repository.PathOf("docker"), "kustomization.yaml", SearchOption.AllDirectories)
        .Select(file => Path.GetRelativePath(Repository.Root, Path.GetDirectoryName(file)!).Replace('\\', '/'))
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The built YAML of one folder; a failed build fails with kubectl's message and the folder.</summary>
    public static string Build(string folder)
    {
        var kubectl = Tool.Find("kubectl") ?? throw new InvalidOperationException("kubectl is not on PATH: the kustomizations cannot be built.");
        var result = Tool.Run(kubectl, ["kustomize", folder]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {folder}: {result}");
        return result.Output;
    }

    /// <summary>The built objects, one YAML text each, in the order kustomize writes them.</summary>
    public static IReadOnlyList<string> Documents(string built) =>
        built.Split("\n---\n").Where(text => !string.IsNullOrWhiteSpace(text)).ToList();

    /// <summary>The objects of core Kubernetes kinds, read strictly into the client's models (an unknown field throws).</summary>
    public static IReadOnlyList<object> CoreObjects(string built) => Documents(built)
        .Where(text => !CustomGroups.Contains(Group(YamlDocuments.Load(text).Text("apiVersion") ?? "")))
        .Select(text => KubernetesYaml.LoadAllFromString(text, strict: true).Single())
        .ToList();

    private static string Group(string apiVersion) => apiVersion.Contains('/') ? apiVersion[..apiVersion.LastIndexOf('/')] : "";
}
