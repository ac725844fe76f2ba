using System.Collections.Concurrent;
namespace ResNetService.Inference.Repository;

/// <summary>
/// Every model the service knows, by name: the default model (the <c>Model</c> section) and those found in the
/// repository folder. Kept in step with the folder by <see cref="ModelRepositoryLoader"/>; requests look models up here.
/// </summary>
public sealed class ModelRepository
{
    private readonly ConcurrentDictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private volatile bool _scanned;

    /// <summary>Every model, by name.</summary>
    public IReadOnlyList<ServedModel> Models => [.. _models.Values.OrderBy(model => !model.IsDefault).ThenBy(model => model.Name, StringComparer.Ordinal)];

    /// <summary>Ready once the repository has been read and every version its policies chose at start is serving.</summary>
    public bool IsReady => _scanned && _models.Values.All(model => model.IsReady);

    /// <summary>The model of that name; throws <see cref="ModelNotFoundException"/> when there is none.</summary>
    public ServedModel Find(string name) =>
        _models.TryGetValue(name, out var model) ? model : throw new ModelNotFoundException($"There is no model '{name}'.");

    /// <summary>
    /// Holds the session that serves a request's model and (optional) version until the lease is disposed, so that a
    /// reload in the meantime lets the request finish where it started.
    /// </summary>
    public ModelLease Acquire(string name, long? version) => Find(name).Acquire(version);

    /// <summary>Adds a model; false when the name is taken.</summary>
    internal bool TryAdd(ServedModel model) => _models.TryAdd(model.Name, model);

    /// <summary>The model of that name, added without versions when it is new.</summary>
    internal ServedModel GetOrAdd(string name) => _models.GetOrAdd(name, key => new ServedModel(key, []));

    /// <summary>Takes a model out (its folder left the repository): requests for it get 404 from now on.</summary>
    internal bool TryRemove(string name, out ServedModel? model) => _models.TryRemove(name, out model);

    /// <summary>The repository folder has been read: the models it holds are all added.</summary>
    internal void MarkScanned() => _scanned = true;
}
