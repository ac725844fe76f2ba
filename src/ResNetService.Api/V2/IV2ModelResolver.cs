using ResNetService.Inference.Classification;

namespace ResNetService.Api.V2;

/// <summary>A model as the V2 protocol lists it: its name and the versions a client may ask for.</summary>
public sealed record V2ModelEntry(string Name, IReadOnlyList<string> Versions);

/// <summary>
/// Where the V2 routes find a model by the name and version in the URL. The service registers
/// <see cref="SingleModelResolver"/> (its one model, version "1") with TryAdd, so that a model repository can register
/// its own resolver first and give real names and versions.
/// </summary>
public interface IV2ModelResolver
{
    /// <summary>Every model served, for server readiness (ready when each one's default version is ready).</summary>
    IReadOnlyList<V2ModelEntry> ListModels();

    /// <summary>
    /// The classifier serving <paramref name="name"/> at <paramref name="version"/> (null: the model's default
    /// version), and the version it resolved to. False when there is no such model or version (404).
    /// Names and versions are case-sensitive, as the protocol says of all strings.
    /// </summary>
    bool TryResolve(string name, string? version, out IImageClassifier classifier, out string resolvedVersion);
}
