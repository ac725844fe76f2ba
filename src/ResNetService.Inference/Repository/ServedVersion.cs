namespace ResNetService.Inference.Repository;

/// <summary>
/// One version of a served model: whether its policy chose it, its state, and once loaded the <see cref="LoadedVersion"/> (a
/// session with its own batcher) that serves it. A reload swaps in a new one; requests already in flight finish on theirs.
/// </summary>
public sealed class ServedVersion(long version, string path, bool selected)
{
    private volatile LoadedVersion? _current;
    private volatile string? _failure;
    private volatile bool _selected = selected;

    public long Version { get; } = version;

    public string Path { get; } = path;

    /// <summary>Whether the version policy chose it; a chosen version counts for readiness.</summary>
    public bool Selected => _selected;

    /// <summary>
    /// Why the version could not be loaded, or why its newest file was refused while an older one still serves.
    /// </summary>
    public string? Reason => _failure;

    public ModelVersionState State =>
        _current is { Model.IsReady: true } ? ModelVersionState.Ready
        : _failure is not null && _selected ? ModelVersionState.Unavailable
        : _selected ? ModelVersionState.Loading
        : ModelVersionState.NotLoaded;

    /// <summary>The load serving now, if any.</summary>
    public LoadedVersion? Current => _current;

    /// <summary>
    /// Holds the load serving now for one request. Throws <see cref="ModelNotFoundException"/> for a version the
    /// policy does not load, <see cref="ModelNotReadyException"/> for one loading or failed.
    /// </summary>
    public ModelLease Acquire()
    {
        // A reload may retire the load between reading and entering it: then read the new one.
        while (_current is { } loaded)
        {
            if (loaded.Model.IsReady && loaded.TryEnter())
            {
                return new ModelLease(loaded, Version);
            }

            if (!loaded.Model.IsReady)
            {
                break;
            }
        }

        throw State switch
        {
            ModelVersionState.NotLoaded => new ModelNotFoundException($"Version {Version} is in the repository but not loaded (version policy)."),
            ModelVersionState.Unavailable => new ModelNotReadyException($"Version {Version} could not be loaded: {_failure}"),
            _ => new ModelNotReadyException(),
        };
    }

    /// <summary>Makes <paramref name="loaded"/> the one that serves; returns the one it replaces, to be retired.</summary>
    internal LoadedVersion? Serve(LoadedVersion loaded)
    {
        _failure = null;
        return Interlocked.Exchange(ref _current, loaded);
    }

    /// <summary>Stops serving (the policy no longer chooses it, or it left the repository); returns the load to retire.</summary>
    internal LoadedVersion? Unload()
    {
        _selected = false;
        _failure = null;
        return Interlocked.Exchange(ref _current, null);
    }

    internal void Select() => _selected = true;

    /// <summary>No longer chosen by the policy; it serves on until unloaded.</summary>
    internal void Deselect() => _selected = false;

    internal void Fail(string reason) => _failure = reason;
}
