using ResNetService.Inference.Batching;
using ResNetService.Inference.Serving;

namespace ResNetService.Inference.Repository;

/// <summary>
/// One load of a version (its session, classifier and batcher), counted while requests use it. A reload replaces it atomically; this one
/// is then retired: it takes no new requests, and is disposed when the last request that started on it has finished.
/// </summary>
public sealed class LoadedVersion(IImageModel model, FileFingerprint file, BatchingOptions batching)
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _users;
    private int _retired;

    /// <summary>What this load answers: classification, embeddings, explanations and raw tensor runs.</summary>
    public IImageModel Model { get; } = model;

    /// <summary>The file as it was when this version was loaded.</summary>
    public FileFingerprint File { get; } = file;

    /// <summary>The batching its classifier runs with.</summary>
    public BatchingOptions Batching { get; } = batching;

    /// <summary>Counts a request in; false once retired (the caller then reads the version's newer load).</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _users);
        if (Volatile.Read(ref _retired) == 0)
        {
            return true;
        }

        Exit();
        return false;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _users) == 0 && Volatile.Read(ref _retired) == 1)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Takes no new requests, waits for those in flight, then disposes its classifier and session.</summary>
    public async Task RetireAsync()
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Volatile.Read(ref _users) == 0)
        {
            _drained.TrySetResult();
        }

        await _drained.Task;
        if (Model is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}

/// <summary>What a model file looked like: a changed length or write time means a changed file.</summary>
public readonly record struct FileFingerprint(long Length, DateTime LastWriteUtc)
{
    public static FileFingerprint Of(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? new(file.Length, file.LastWriteTimeUtc) : default;
    }
}
