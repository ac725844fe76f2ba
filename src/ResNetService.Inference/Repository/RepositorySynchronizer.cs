using Microsoft.Extensions.Logging;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Repository;

/// <summary>
/// Brings the <see cref="ModelRepository"/> in step with the folder, once per call: adds new models and versions,
/// loads what the policies choose, reloads files and configs that changed, unloads what left the folder or the
/// policy. A new session is loaded and warmed up beside the one serving and swapped in atomically; the old one
/// finishes its requests and is disposed. A file that cannot be loaded is refused and reported while the old one
/// keeps serving. Not thread-safe: one caller (<see cref="ModelRepositoryLoader"/>) at a time.
/// </summary>
public sealed class RepositorySynchronizer(
    ModelRepository repository,
    ModelRepositoryOptions options,
    ModelOptions modelOptions,
    BatchingOptions batchingOptions,
    ImageLimits imageLimits,
    ILoggerFactory loggerFactory,
    MemoryBudget? memory = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<RepositorySynchronizer>();
    private readonly Dictionary<string, FileFingerprint> _configs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileFingerprint> _refused = new(StringComparer.Ordinal);
    private readonly HashSet<string> _conflicts = new(StringComparer.Ordinal);
    private readonly List<Task> _retiring = [];

    /// <summary>Reads the folder and applies what changed.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ModelFolder> folders;
        try
        {
            folders = RepositoryLayout.Scan(options.Root!);
        }
        catch (IOException e)
        {
            _logger.LogError("The model repository {Root} cannot be read: {Reason}", options.Root, e.Message);
            return;
        }

        var loads = new List<(ServedModel Model, ServedVersion Version, ModelFolderConfig Config, string Folder)>();
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

        foreach (var (model, version, config, folder) in loads)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await LoadAsync(model, version, config, folder, cancellationToken);
        }

        foreach (var model in repository.Models.Where(m => !m.IsDefault))
        {
            RetireUnchosen(model);
        }

        _retiring.RemoveAll(task => task.IsCompleted);
    }

    /// <summary>Waits until every retired session has finished its requests and is disposed.</summary>
    public Task DrainAsync() => Task.WhenAll(_retiring);

    /// <summary>Updates one model's versions and policy; returns the versions to load now.</summary>
    private IEnumerable<(ServedModel, ServedVersion, ModelFolderConfig, string)> Reconcile(ModelFolder folder)
    {
        var model = repository.GetOrAdd(folder.Name);
        if (model.IsDefault)
        {
            if (_conflicts.Add(folder.Name))
            {
                _logger.LogError("Model folder {Name} is not served: the default model (Model:Path) has that name.", folder.Name);
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
                _logger.LogError("Model {Name}: {Problem}", folder.Name, e.Message);
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
    /// A file written within the settle time may still be being copied: it waits for a later pass. Without polling
    /// there is no later pass, so every file is taken as it is.
    /// </summary>
    private bool Settled(FileFingerprint file) =>
        options.PollInterval <= TimeSpan.Zero || DateTime.UtcNow - file.LastWriteUtc >= options.SettleTime;

    private async Task LoadAsync(ServedModel model, ServedVersion version, ModelFolderConfig config, string folder, CancellationToken cancellationToken)
    {
        var file = FileFingerprint.Of(version.Path);
        var labels = Path.Combine(folder, RepositoryLayout.LabelsFileName);
        var batching = Batching(config);
        // Where and how to run (provider, device, threads, ImageNet labels) is the service's; what the file is, is the
        // model folder's: its own labels, preprocessing, and no output kind forced by the default model's settings.
        var settings = modelOptions.ToLoadSettings() with
        {
            Path = version.Path,
            Name = model.Name,
            LabelsPath = File.Exists(labels) ? labels : null,
            Preprocessing = config.Preprocessing ?? new PreprocessingOverrides(),
            OutputKind = null,
        };

        var replacing = version.Current is not null;
        _logger.LogInformation("{Action} model {Name} version {Version} from {Path}", replacing ? "Reloading" : "Loading", model.Name, version.Version, version.Path);
        try
        {
            // Loading is synchronous native work; keep it off the host's threads. The warm-up runs inside Load.
            var loaded = await Task.Run(() => OnnxModel.Load(settings, batching.MaxBatchSize, loggerFactory.CreateLogger<OnnxModel>(), memory: memory), cancellationToken);
            var classifier = new ImageClassifier(loaded, batching, imageLimits, loggerFactory.CreateLogger<ImageClassifier>(), version.Version, memory);
            InferenceMetrics.CountModelLoad(model.Name, version.Version, succeeded: true);
            _refused.Remove(version.Path);
            Retire(version.Serve(new ClassifierGeneration(classifier, file, batching)));
            _logger.LogInformation("Model {Name} version {Version} is ready", model.Name, version.Version);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever one file does wrong (ModelLoadException, a failing warm-up), the rest keeps serving.
            InferenceMetrics.CountModelLoad(model.Name, version.Version, succeeded: false);
            _refused[version.Path] = file;
            version.Fail(replacing ? $"a new file was refused, the previous one still serves: {e.Message}" : e.Message);
            _logger.LogError("Model {Name} version {Version}: {Path} was refused: {Reason}", model.Name, version.Version, version.Path, e.Message);
        }
    }

    private void Retire(ClassifierGeneration? generation)
    {
        if (generation is not null)
        {
            _retiring.Add(generation.RetireAsync());
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
