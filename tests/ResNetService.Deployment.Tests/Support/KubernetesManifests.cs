using k8s;
using k8s.Models;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>The manifests in docker/k8s, read strictly into the Kubernetes client's models (an unknown field throws).</summary>
public sealed class KubernetesManifests
{
    public const string Folder = "docker/k8s";

    public KubernetesManifests()
    {
        Files = Directory.GetFiles(Repository.PathOf(Folder), "*.yaml")
            .Where(path => Path.GetFileName(path) != "kustomization.yaml")
            .ToDictionary(path => Path.GetFileName(path), path => (IReadOnlyList<object>)KubernetesYaml.LoadAllFromString(File.ReadAllText(path), strict: true));
    }

    /// <summary>Objects by file name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<object>> Files { get; }

    public IEnumerable<object> All => Files.Values.SelectMany(objects => objects);

    public V1Deployment Deployment(string name) => All.OfType<V1Deployment>().Single(d => d.Metadata.Name == name);

    public IEnumerable<V1Deployment> Deployments => All.OfType<V1Deployment>();

    public static T Parse<T>(string yaml) => KubernetesYaml.Deserialize<T>(yaml, strict: true);
}
