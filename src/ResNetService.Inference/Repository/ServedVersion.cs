using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;

namespace ResNetService.Inference.Repository;

/// <summary>One version of a served model: its state, and once loaded the classifier (with its own batcher) that serves it.</summary>
public sealed class ServedVersion(long version, string path, bool selected, BatchingOptions batching)
{
    private volatile IImageClassifier? _classifier;
    private volatile string? _failure;

    public long Version { get; } = version;

    public string Path { get; } = path;

    /// <summary>The batching this version's classifier runs with.</summary>
    public BatchingOptions Batching { get; } = batching;

    /// <summary>Why the version could not be loaded (null unless <see cref="ModelVersionState.Unavailable"/>).</summary>
    public string? Reason => _failure;

    public ModelVersionState State =>
        _failure is not null ? ModelVersionState.Unavailable
        : _classifier is { IsReady: true } ? ModelVersionState.Ready
        : Selected ? ModelVersionState.Loading
        : ModelVersionState.NotLoaded;

    /// <summary>Whether the version policy chose it; a chosen version counts for readiness.</summary>
    public bool Selected { get; } = selected;

    /// <summary>The classifier; throws <see cref="ModelNotReadyException"/> unless the version is ready.</summary>
    public IImageClassifier Classifier => State == ModelVersionState.Ready ? _classifier! : throw NotServing();

    internal IImageClassifier? Loaded => _classifier;

    internal void Serve(IImageClassifier classifier) => _classifier = classifier;

    internal void Fail(string reason) => _failure = reason;

    private Exception NotServing() => State switch
    {
        ModelVersionState.NotLoaded => new ModelNotFoundException($"Version {Version} is in the repository but not loaded (version policy)."),
        ModelVersionState.Unavailable => new ModelNotReadyException($"Version {Version} could not be loaded: {_failure}"),
        _ => new ModelNotReadyException(),
    };
}
