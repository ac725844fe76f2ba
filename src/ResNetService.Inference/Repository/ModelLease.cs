using ResNetService.Inference.Serving;

namespace ResNetService.Inference.Repository;

/// <summary>
/// A request's hold on the loaded version it started on: while held, a reload cannot dispose that session. Dispose it
/// when the request is answered.
/// </summary>
public sealed class ModelLease(LoadedVersion loaded, long version) : IDisposable
{
    private int _disposed;

    // One loaded model answers every kind of call; each caller takes the part it uses.
    public IImageClassifier Classifier => loaded.Model;

    public IImageEmbedder Embedder => loaded.Model;

    public IImageExplainer Explainer => loaded.Model;

    public ITensorInference Tensors => loaded.Model;

    /// <summary>Readiness, model info, statistics and the cheap refusals, for callers that run nothing.</summary>
    public IModelAdmission Admission => loaded.Model;

    /// <summary>The version the session serves.</summary>
    public long Version { get; } = version;

    /// <summary>The session held, with the batching it runs with.</summary>
    public LoadedVersion Loaded => loaded;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            loaded.Exit();
        }
    }
}
