using k8s;
using YamlDotNet.Core;

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

    /// <summary>One folder built, in the repository or in a copy of it at <paramref name="root"/>; a failed build fails naming it.</summary>
    public static KustomizeBuild Build(string folder, string? root = null)
    {
        var kubectl = Tool.Find("kubectl") ?? throw new InvalidOperationException("kubectl is not on PATH: the kustomizations cannot be built.");
        var result = Tool.Run(kubectl, ["kustomize", folder], workingDirectory: root ?? Repository.Root);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {folder}: {result}");
        return new KustomizeBuild(folder, result.Output);
    }
}

/// <summary>The YAML one kustomization builds into.</summary>
public sealed record KustomizeBuild(string Folder, string Yaml)
{
    /// <summary>The built objects, one YAML text each, in the order kustomize writes them.</summary>
    public IReadOnlyList<string> Documents => Yaml.Split("\n---\n").Where(text => !string.IsNullOrWhiteSpace(text)).ToList();

    /// <summary>
    /// The objects of core Kubernetes kinds, read strictly into the client's models; an unknown field fails with the
    /// folder, the object and the field (with its line in the built YAML).
    /// </summary>
    public IReadOnlyList<object> CoreObjects => Documents
        .Select(text => (Text: text, Yaml: YamlDocuments.Load(text)))
        .Where(o => !KustomizeBuilds.CustomGroups.Contains(Group(o.Yaml.Text("apiVersion") ?? "")))
        .Select(o =>
        {
            try
            {
                return KubernetesYaml.LoadAllFromString(o.Text, strict: true).Single();
            }
            catch (YamlException error)
            {
                throw new InvalidDataException(
                    $"{Folder}: {o.Yaml.Text("kind")} {o.Yaml.Text("metadata", "name")}: {error.Message} {error.InnerException?.Message}", error);
            }
        })
        .ToList();

    private static string Group(string apiVersion) => apiVersion.Contains('/') ? apiVersion[..apiVersion.LastIndexOf('/')] : "";
}
