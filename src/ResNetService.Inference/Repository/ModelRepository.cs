using System.Collections.Concurrent;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Repository;

/// <summary>
/// Every model the service serves, by name: the default model (the <c>Model</c> section, version 1) and those found in
/// the repository folder. Kept in step with the files by <see cref="ModelRepositoryLoader"/>; every request reaches its
/// model here, through <see cref="Acquire(string?, long?)"/>.
/// </summary>
public sealed class ModelRepository : IDisposable
{
    private readonly ConcurrentDictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private readonly IDisposable _telemetry;
    private volatile ServedModel? _default;
    private volatile bool _scanned;

    public ModelRepository(bool strictReadiness = false)
    {
        StrictReadiness = strictReadiness;
        _telemetry = ReadinessTelemetry.Register(() => IsReady, () => _models.Values.Select(model => (model.Name, model.ServingVersions)));
    }

    /// <summary>Every model, the default one first, then by name.</summary>
    public IReadOnlyList<ServedModel> Models => [.. _models.Values.OrderBy(model => !model.IsDefault).ThenBy(model => model.Name, StringComparer.Ordinal)];

    /// <summary>The model of the <c>Model</c> section, which the short routes (<c>/classify</c>, <c>/model</c>, ...) serve.</summary>
    public ServedModel Default => _default ?? throw new ModelNotReadyException("The default model is not loaded yet.");

    /// <summary>Whether every model found must serve for the server to be ready (Triton's strict readiness).</summary>
    public bool StrictReadiness { get; }

    /// <summary>Every model found at start has had its first load attempt, whether it serves or failed.</summary>
    public bool Scanned => _scanned;

    /// <summary>
    /// The server's readiness: every model found at start has had its first load attempt and the default model has a
    /// serving version. A repository model that cannot serve is shown on its own and leaves the server ready, unless
    /// <see cref="StrictReadiness"/> asks that every model serve.
    /// </summary>
    public bool IsReady => _scanned && _default is { IsReady: true } && (!StrictReadiness || _models.Values.All(model => model.IsReady));

    /// <summary>The model of that name; throws <see cref="ModelNotFoundException"/> when there is none.</summary>
    public ServedModel Find(string name) =>
        _models.TryGetValue(name, out var model) ? model : throw new ModelNotFoundException($"There is no model '{name}'.");

    /// <summary>
    /// Holds the session that serves a request's model (the default one without a name) and version (the latest
    /// serving one without a number) until the lease is disposed, so that a reload in the meantime lets the request
    /// finish where it started.
    /// </summary>
    public ModelLease Acquire(string? name, long? version) => (name is null ? Default : Find(name)).Acquire(version);

    /// <summary>Adds the default model, the first model of the repository (the folder is read after it).</summary>
    internal void AddDefault(ServedModel model)
    {
        _models[model.Name] = model;
        _default = model;
    }

    /// <summary>The model of that name, added without versions when it is new.</summary>
    internal ServedModel GetOrAdd(string name) => _models.GetOrAdd(name, key => new ServedModel(key, []));

    /// <summary>Takes a model out (its folder left the repository): requests for it get 404 from now on.</summary>
    internal bool TryRemove(string name, out ServedModel? model) => _models.TryRemove(name, out model);

    /// <summary>Every model found at start has had its first load attempt.</summary>
    internal void MarkScanned() => _scanned = true;

    /// <summary>Leaves the gauges (the host is disposed).</summary>
    public void Dispose() => _telemetry.Dispose();
}
