using System.Globalization;
using ResNetService.Inference;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.V2;

/// <summary>
/// How both V2 front ends (REST and gRPC) find a model and version: the protocol names versions with strings, the
/// repository numbers them, and an unknown one is the protocol's "not found" with the protocol's own words.
/// </summary>
public static class V2Models
{
    /// <summary>
    /// The lease every route takes (<see cref="ServedModel.Acquire"/>); the protocol's versions are strings, ours
    /// numbers, and its unknown names answer in its own error body.
    /// </summary>
    public static ModelLease Acquire(ModelRepository repository, string name, string? version)
    {
        var model = Find(repository, name);
        return model.Acquire(version is null ? null : Find(model, version).Version);
    }

    public static ServedModel Find(ModelRepository repository, string name)
    {
        try
        {
            return repository.Find(name);
        }
        catch (ModelNotFoundException)
        {
            throw V2Exception.NotFound($"Unknown model '{name}'.");
        }
    }

    public static ServedVersion Find(ServedModel model, string version) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
        && model.Versions.FirstOrDefault(v => v.Version == number) is { } found
            ? found
            : throw V2Exception.NotFound($"Unknown model '{model.Name}' version '{version}'.");

    /// <summary>The model (or the version named) can serve now; unknown ones are not found.</summary>
    public static bool IsReady(ModelRepository repository, string name, string? version)
    {
        var model = Find(repository, name);
        return version is null ? model.IsReady : Find(model, version).State == ModelVersionState.Ready;
    }

    /// <summary>The metadata of the version named (or the one serving), with every serving version listed.</summary>
    public static V2ModelMetadata Metadata(ModelRepository repository, string name, string? version)
    {
        using var lease = Acquire(repository, name, version);
        var serving = Find(repository, name).Versions
            .Where(v => v.State == ModelVersionState.Ready)
            .Select(v => v.Version.ToString(CultureInfo.InvariantCulture))
            .ToList();
        return V2ModelMetadata.From(lease.Admission.Info, serving);
    }
}
