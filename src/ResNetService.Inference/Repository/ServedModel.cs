namespace ResNetService.Inference.Repository;

/// <summary>A model of the repository by name, with every version found for it (lowest first).</summary>
public sealed class ServedModel(string name, IReadOnlyList<ServedVersion> versions, bool isDefault = false, string? reason = null)
{
    private volatile IReadOnlyList<ServedVersion> _versions = [.. versions.OrderBy(v => v.Version)];
    private volatile string? _reason = reason;

    public string Name { get; } = name;

    /// <summary>The versions, lowest first; a reload replaces the list as a whole.</summary>
    public IReadOnlyList<ServedVersion> Versions => _versions;

    /// <summary>The model of the <c>Model</c> section, which the short routes (<c>/classify</c>, <c>/model</c>, ...) serve.</summary>
    public bool IsDefault { get; } = isDefault;

    /// <summary>Why the whole model cannot be served (e.g. a bad config.json); null when it can.</summary>
    public string? Reason => _reason;

    /// <summary>
    /// Ready while any of its versions serves: the version policy decides what is loaded, not whether an older
    /// serving version counts, and a refused new file or config leaves what serves serving.
    /// </summary>
    public bool IsReady => Versions.Any(v => v.State == ModelVersionState.Ready);

    /// <summary>How many of its versions serve now.</summary>
    public int ServingVersions => Versions.Count(v => v.State == ModelVersionState.Ready);

    /// <summary>
    /// The version a request names, or without a number the highest version that is ready. Throws
    /// <see cref="ModelNotFoundException"/> for an unknown version.
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

    /// <summary>Holds the loaded version a request names (or the latest ready one).</summary>
    public ModelLease Acquire(long? version)
    {
        // Without a number, the latest ready version may be unloaded between choosing and holding it: choose again.
        for (var attempt = 0; ; attempt++)
        {
            var chosen = Resolve(version);
            try
            {
                return chosen.Acquire();
            }
            catch (Exception e) when (version is null && attempt < 3 && e is ModelNotReadyException or ModelNotFoundException)
            {
                // Unloaded or replaced meanwhile: choose again.
            }
        }
    }

    internal void SetVersions(IEnumerable<ServedVersion> versions) => _versions = [.. versions.OrderBy(v => v.Version)];

    internal void SetReason(string? reason) => _reason = reason;
}
