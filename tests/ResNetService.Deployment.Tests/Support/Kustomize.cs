namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// <c>kubectl kustomize</c>, which builds a kustomization offline (no cluster needed). kubectl is not a Debian package,
/// so it is not installed here: a machine without it fails the check, saying so, rather than skipping it.
/// </summary>
public static class Kustomize
{
    public static string Kubectl => Tool.Find("kubectl") ?? throw new InvalidOperationException(
        "kubectl is not on PATH: the kustomization checks need it (kubectl 1.32 carries kustomize 5.5).");

    /// <summary>The objects that <paramref name="folder"/> (relative to the repository) builds into; fails naming the folder.</summary>
    public static string Build(string folder)
    {
        var result = Tool.Run(Kubectl, ["kustomize", Repository.PathOf(folder)]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {folder}: {result}");
        return result.Output;
    }
}
