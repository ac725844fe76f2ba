using Microsoft.Extensions.Logging;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Repository;

/// <summary>
/// Brings the <see cref="ModelRepository"/> in step with the files, once per call: the default model's file (the
/// <c>Model</c> section, served as version 1 of its model) and the repository folder. Adds new models and versions,
/// loads what the policies choose, reloads files and configs that changed, unloads what left the folder or the
/// policy. A new session is loaded and warmed up beside the one serving and swapped in atomically; the old one
/// finishes its requests and is disposed. A file that cannot be loaded is refused with one Warning while the old one
/// keeps serving. Not thread-safe: one caller (<see cref="ModelRepositoryLoader"/>) at a time.
/// </summary>
public sealed class RepositorySynchronizer(
    ModelRepository repository,
    ModelRepositoryOptions options,
    ModelOptions modelOptions,
    BatchingOptions batchingOptions,
    IClassifierFactory classifiers,
    ILoggerFactory loggerFactory,
    MemoryBudget? memory = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<RepositorySynchronizer>();
    private readonly Dictionary<string, FileFingerprint> _configs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileFingerprint> _refused = new(StringComparer.Ordinal);
    private readonly HashSet<string> _conflicts = new(StringComparer.Ordinal);
    private readonly List<Task> _retiring = [];
    private bool _synced;

    /// <summary>
    /// Loads the default model as version 1 of the model <c>Model:Name</c> (else the file's stem). Throws
    /// <see cref="ModelLoadException"/> when it cannot: a service without its default model must not start.
    /// </summary>
    public async Task LoadDefaultAsync(CancellationToken cancellationToken)
    {
        var settings = modelOptions.ToLoadSettings();
        var version = new ServedVersion(1, settings.Path, selected: true);
        var model = new ServedModel(settings.DisplayName, [version], isDefault: true);
        if (!await LoadAsync(model, version, settings, batchingOptions, cancellationToken))
        {
            throw new ModelLoadException(version.Reason!);
        }

        repository.AddDefault(model);
    }

    /// <summary>Reads the default model's file and the folder (when there is one) and applies what changed.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReloadDefaultAsync(asked: false, cancellationToken);
            await SyncFolderAsync(cancellationToken);
        }
        finally
        {
            _synced = true;
        }
    }

    private async Task SyncFolderAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Root))
        {
            return;
        }

        IReadOnlyList<ModelFolder> folders;
        try
        {
            folders = RepositoryLayout.Scan(options.Root);
        }
        catch (IOException e)
        {
            _logger.LogError("The model repository {Root} cannot be read: {Reason}", options.Root, e.Message);
            return;
        }

        var loads = new List<(ServedModel, ServedVersion, ModelFolderConfig, string)>();
        foreach (var folder in folders)
        {
            loads.AddRange(Reconcile(folder));
        }

        foreach (var model in repository.Models.Where(m => !m.IsDefault && folders.All(f => f.Name != m.Name)))
        {
            _logger.LogInformation("Model {Name} left the repository; unloading it", model.Name);
            repository.TryRemove(model.Name, out _);
            model.Versions.ToList().ForEach(version => Retire(version.Unload()));
        }

        await LoadAllAsync(loads, cancellationToken);
        foreach (var model in repository.Models.Where(m => !m.IsDefault))
        {
            RetireUnchosen(model);
        }

        ForgetRetired();
    }

    /// <summary>
    /// Loads the model <paramref name="name"/> alone, as Triton's explicit load does: the default model from its file,
    /// any other from its folder, each version the policy chooses that is not loaded from its current file (a file
    /// refused before is tried again). Returns the model, or null when the root holds no model folder of that name
    /// (nothing is read then).
    /// </summary>
    public async Task<ServedModel?> LoadModelAsync(string name, CancellationToken cancellationToken)
    {
        if (repository.Default.Name == name)
        {
            await ReloadDefaultAsync(asked: true, cancellationToken);
            return repository.Default;
        }

        if (string.IsNullOrWhiteSpace(options.Root) || RepositoryLayout.Find(options.Root, name) is not { } folder)
        {
            return null;
        }

        folder.Versions.ToList().ForEach(version => _refused.Remove(version.ModelPath));
        await LoadAllAsync([.. Reconcile(folder)], cancellationToken);
        var model = repository.Find(name);
        RetireUnchosen(model);
        ForgetRetired();
        return model;
    }

    /// <summary>Stops serving a repository model and forgets it (404 from now on); false when it is not loaded.</summary>
    public bool UnloadModel(string name)
    {
        if (repository.Models.FirstOrDefault(model => model.Name == name) is not { IsDefault: false } || !repository.TryRemove(name, out var removed))
        {
            return false;
        }

        _logger.LogInformation("Unloading model {Name}", name);
        _configs.Remove(name);
        removed!.Versions.ToList().ForEach(version => Retire(version.Unload()));
        return true;
    }

    /// <summary>
    /// Every model of the repository and of the folder, one entry per version (a model with no version has one entry
    /// without a number); a folder's model that is not loaded is <see cref="ModelVersionState.NotLoaded"/>.
    /// </summary>
    public IReadOnlyList<RepositoryIndexEntry> Index()
    {
        var served = repository.Models;
        var entries = served.SelectMany(model => model.Versions.Count == 0
            ? [new RepositoryIndexEntry(model.Name, null, ModelVersionState.Unavailable, model.Reason)]
            : model.Versions.Select(version => new RepositoryIndexEntry(model.Name, version.Version, version.State, version.Reason ?? model.Reason)))
            .ToList();
        var folders = string.IsNullOrWhiteSpace(options.Root) ? [] : RepositoryLayout.Scan(options.Root);
        entries.AddRange(folders
            .Where(folder => served.All(model => model.Name != folder.Name))
            .SelectMany(folder => folder.Versions.Select(version => new RepositoryIndexEntry(folder.Name, version.Version, ModelVersionState.NotLoaded, null))));
        return [.. entries.OrderBy(entry => entry.Name, StringComparer.Ordinal).ThenBy(entry => entry.Version)];
    }

    private async Task LoadAllAsync(IEnumerable<(ServedModel Model, ServedVersion Version, ModelFolderConfig Config, string Folder)> loads, CancellationToken cancellationToken)
    {
        foreach (var (model, version, config, folder) in loads)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await LoadAsync(model, version, FolderSettings(model, version, config, folder), Batching(config), cancellationToken);
        }
    }

    /// <summary>Stops serving every version of every model, the default one too (the service is stopping).</summary>
    public void UnloadAll()
    {
        foreach (var version in repository.Models.SelectMany(model => model.Versions))
        {
            Retire(version.Unload());
        }
    }

    /// <summary>Waits until every retired session has finished its requests and is disposed.</summary>
    public Task DrainAsync()
    {
        lock (_retiring)
        {
            return Task.WhenAll([.. _retiring]);
        }
    }

    /// <summary>Updates one model's versions and policy; returns the versions to load now.</summary>
    private IEnumerable<(ServedModel, ServedVersion, ModelFolderConfig, string)> Reconcile(ModelFolder folder)
    {
        var model = repository.GetOrAdd(folder.Name);
        if (model.IsDefault)
        {
            if (_conflicts.Add(folder.Name))
            {
                _logger.LogWarning("Model folder {Name} is not served: the default model (Model:Path) has that name; rename the folder or set Model:Name.", folder.Name);
            }

            return [];
        }

        var configPath = Path.Combine(folder.Path, ModelFolderConfig.FileName);
        var configFile = FileFingerprint.Of(configPath);
        var configChanged = _configs.TryGetValue(folder.Name, out var seen) && seen != configFile;
        _configs[folder.Name] = configFile;
        ModelFolderConfig config;
        try
        {
            config = ModelFolderConfig.Read(folder.Path);
            model.SetReason(null);
        }
        catch (InvalidDataException e)
        {
            // A broken config leaves the model as it is: what serves keeps serving, nothing new is loaded.
            if (model.Reason != e.Message)
            {
                _logger.LogWarning("Model {Name}: {Problem}", folder.Name, e.Message);
            }

            model.SetReason(e.Message);
            model.SetVersions(Merge(model, folder));
            return [];
        }

        var chosen = (config.VersionPolicy ?? options.VersionPolicy).Select(folder.Versions.Select(v => v.Version));
        var versions = Merge(model, folder);
        model.SetVersions(versions);
        var loads = new List<(ServedModel, ServedVersion, ModelFolderConfig, string)>();
        foreach (var version in versions)
        {
            if (!chosen.Contains(version.Version))
            {
                // Unloaded by RetireUnchosen once a chosen version serves, so that the model never stops answering.
                version.Deselect();
                continue;
            }

            version.Select();
            var file = FileFingerprint.Of(version.Path);
            var upToDate = version.Current?.File == file && !configChanged;
            var alreadyRefused = _refused.TryGetValue(version.Path, out var refused) && refused == file && !configChanged;
            if (!upToDate && !alreadyRefused && Settled(file))
            {
                loads.Add((model, version, config, folder.Path));
            }
        }

        return loads;
    }

    /// <summary>The folder's versions: those already known keep their state; those gone are unloaded.</summary>
    private List<ServedVersion> Merge(ServedModel model, ModelFolder folder)
    {
        var known = model.Versions.ToDictionary(v => v.Version);
        foreach (var gone in known.Values.Where(v => folder.Versions.All(f => f.Version != v.Version)))
        {
            _logger.LogInformation("Model {Name} version {Version} left the repository; unloading it", model.Name, gone.Version);
            Retire(gone.Unload());
        }

        return [.. folder.Versions.Select(f => known.TryGetValue(f.Version, out var version) ? version : new ServedVersion(f.Version, f.ModelPath, selected: false))];
    }

    /// <summary>Versions the policy no longer chooses stop serving once a version it chooses is ready.</summary>
    private void RetireUnchosen(ServedModel model)
    {
        if (!model.Versions.Any(v => v.Selected && v.State == ModelVersionState.Ready))
        {
            return;
        }

        foreach (var version in model.Versions.Where(v => !v.Selected && v.Current is not null))
        {
            _logger.LogInformation("Model {Name} version {Version} is no longer chosen by its policy; unloading it", model.Name, version.Version);
            Retire(version.Unload());
        }
    }

    /// <summary>
    /// A file written within the settle time may still be being copied: it waits for a later pass. The first pass takes
    /// every file as it is, so that each model found at start has its first load attempt before the server is ready (a
    /// file caught mid-copy is refused, and loads when its copy ends and it changes); so does every pass without
    /// polling, which has no later pass.
    /// </summary>
    private bool Settled(FileFingerprint file) =>
        !_synced || options.PollInterval <= TimeSpan.Zero || DateTime.UtcNow - file.LastWriteUtc >= options.SettleTime;

    /// <summary>
    /// Swaps in a new session when the default model's file changed; what serves keeps serving meanwhile. A poll waits
    /// for the file to settle and does not retry a file it refused; a load that was <paramref name="asked"/> for does both.
    /// </summary>
    private async Task ReloadDefaultAsync(bool asked, CancellationToken cancellationToken)
    {
        var model = repository.Default;
        var version = model.Versions[0];
        var file = FileFingerprint.Of(version.Path);
        var refused = _refused.TryGetValue(version.Path, out var seen) && seen == file;
        if (version.Current?.File != file && (asked || (!refused && Settled(file))))
        {
            await LoadAsync(model, version, modelOptions.ToLoadSettings(), batchingOptions, cancellationToken);
        }
    }

    /// <summary>
    /// How a folder's version loads: where and how to run (provider, device, threads, ImageNet labels) is the service's;
    /// what the file is, is the model folder's: its own labels, preprocessing, and no output kind forced by the default
    /// model's settings.
    /// </summary>
    private ModelLoadSettings FolderSettings(ServedModel model, ServedVersion version, ModelFolderConfig config, string folder)
    {
        var labels = Path.Combine(folder, RepositoryLayout.LabelsFileName);
        return modelOptions.ToLoadSettings() with
        {
            Path = version.Path,
            Name = model.Name,
            LabelsPath = File.Exists(labels) ? labels : null,
            Preprocessing = config.Preprocessing ?? new PreprocessingOverrides(),
            OutputKind = null,
        };
    }

    /// <summary>
    /// Loads and warms up a session for <paramref name="version"/> and makes it the one that serves; false (with one
    /// Warning and the reason on the version) when the file is refused, while what served keeps serving.
    /// </summary>
    private async Task<bool> LoadAsync(
        ServedModel model, ServedVersion version, ModelLoadSettings settings, BatchingOptions batching, CancellationToken cancellationToken)
    {
        var file = FileFingerprint.Of(version.Path);
        var replacing = version.Current is not null;
        _logger.LogInformation("{Action} model {Name} version {Version} from {Path}", replacing ? "Reloading" : "Loading", model.Name, version.Version, version.Path);
        try
        {
            // Loading is synchronous native work; keep it off the host's threads. The warm-up runs inside Load.
            var session = await Task.Run(() => OnnxSession.Load(settings, batching.MaxBatchSize, loggerFactory.CreateLogger<OnnxSession>(), memory: memory), cancellationToken);
            var classifier = classifiers.Create(session, batching, version.Version);
            InferenceMetrics.CountModelLoad(model.Name, version.Version, succeeded: true);
            _refused.Remove(version.Path);
            Retire(version.Serve(new LoadedVersion(classifier, file, batching)));
            _logger.LogInformation("Model {Name} version {Version} is ready", model.Name, version.Version);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever one file does wrong (ModelLoadException, a failing warm-up), the rest keeps serving.
            InferenceMetrics.CountModelLoad(model.Name, version.Version, succeeded: false);
            _refused[version.Path] = file;
            version.Fail(replacing ? $"a new file was refused, the previous one still serves: {e.Message}" : e.Message);
            _logger.LogWarning("Model {Name} version {Version}: {Path} was refused: {Reason}", model.Name, version.Version, version.Path, e.Message);
            return false;
        }
    }

    // Locked as well as serialized by the loader: DrainAsync reads the list from the host's stopping thread.
    private void ForgetRetired()
    {
        lock (_retiring)
        {
            _retiring.RemoveAll(task => task.IsCompleted);
        }
    }

    private void Retire(LoadedVersion? loaded)
    {
        if (loaded is not null)
        {
            var retired = loaded.RetireAsync();
            lock (_retiring)
            {
                _retiring.Add(retired);
            }
        }
    }

    /// <summary>The service's batching with the model's own sizes where its config sets them.</summary>
    private BatchingOptions Batching(ModelFolderConfig config) => new()
    {
        MaxBatchSize = config.MaxBatchSize ?? batchingOptions.MaxBatchSize,
        MaxBatchDelay = batchingOptions.MaxBatchDelay,
        QueueCapacity = config.QueueCapacity ?? batchingOptions.QueueCapacity,
        QueueTimeout = batchingOptions.QueueTimeout,
        RetryAfter = batchingOptions.RetryAfter,
    };
}
