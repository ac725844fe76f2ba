using Microsoft.Extensions.Options;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Hosting;

namespace ResNetService.Api.V2;

/// <summary>
/// The service's one model as V2 sees it: named <see cref="Inference.Model.ModelInfo.Name"/> (before the model is
/// loaded, the name it will get: <c>Model:Name</c> or the file name), with the single version <see cref="Version"/>.
/// The model repository replaces this resolver and gives real versions.
/// </summary>
public sealed class SingleModelResolver(IImageClassifier served, IOptions<ModelOptions> model) : IV2ModelResolver
{
    /// <summary>The one version of the one model, until a repository gives real ones.</summary>
    public const string Version = "1";

    private static readonly string[] Versions = [Version];

    private string Name => served.IsReady
        ? served.Info.Name
        : model.Value.Name ?? Path.GetFileNameWithoutExtension(model.Value.Path);

    public IReadOnlyList<V2ModelEntry> ListModels() => [new V2ModelEntry(Name, Versions)];

    public bool TryResolve(string name, string? version, out IImageClassifier classifier, out string resolvedVersion)
    {
        classifier = served;
        resolvedVersion = Version;
        return string.Equals(name, Name, StringComparison.Ordinal) && version is null or Version;
    }
}
