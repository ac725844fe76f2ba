namespace ResNetService.Inference.Repository;

/// <summary>A model of the repository by name, with every version found for it (lowest first).</summary>
public sealed class ServedModel(string name, IReadOnlyList<ServedVersion> versions, bool isDefault = false, string? reason = null)
{
    public string Name { get; } = name;

    public IReadOnlyList<ServedVersion> Versions { get; } = versions;

    /// <summary>The model of the <c>Model</c> section, which <c>/classify</c> and <c>/model</c> serve.</summary>
    public bool IsDefault { get; } = isDefault;

    /// <summary>Why the whole model cannot be served (e.g. a bad config.json); null when it can.</summary>
    public string? Reason { get; } = reason;

    /// <summary>Ready when every version the policy chose is serving (and the model has no problem of its own).</summary>
    public bool IsReady => Reason is null && Versions.Where(v => v.Selected).All(v => v.State == ModelVersionState.Ready);

    /// <summary>
    /// The version a request names, or without a number the highest version that is ready. Throws
    /// <see cref="ModelNotFoundException"/> for an unknown or unloaded version, <see cref="ModelNotReadyException"/>
    /// for one that is loading or failed.
    /// </summary>
    public ServedVersion Resolve(long? version)
    {
        if (version is { } number)
        {
            return Versions.FirstOrDefault(v => v.Version == number)
                ?? throw new ModelNotFoundException($"Model '{Name}' has no version {number}.");
        }

        return Versions.LastOrDefault(v => v.State == ModelVersionState.Ready)
            ?? throw new ModelNotReadyException(Reason is null
                ? $"No version of model '{Name}' is ready yet."
                : $"Model '{Name}' cannot be served: {Reason}");
    }
}
