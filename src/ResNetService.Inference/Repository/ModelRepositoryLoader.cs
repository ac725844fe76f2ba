using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Repository;

/// <summary>
/// Fills the <see cref="ModelRepository"/>: the default model at once (its loading is <see cref="ModelLoaderService"/>'s),
/// then every model folder of the repository, loading the versions each policy chooses one after another, in the
/// background, so the service answers (and reports itself not ready) meanwhile. A model or version that cannot be
/// loaded is logged and shown as unavailable; the others serve.
/// </summary>
public sealed class ModelRepositoryLoader(
    ModelRepository repository,
    ImageClassifierHost defaultModel,
    IOptions<ModelOptions> modelOptions,
    IOptions<ModelRepositoryOptions> repositoryOptions,
    IOptions<BatchingOptions> batchingOptions,
    IOptions<ImageLimits> imageLimits,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelRepositoryLoader>();
    private readonly List<ImageClassifier> _loaded = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AddDefaultModel();
        if (string.IsNullOrWhiteSpace(repositoryOptions.Value.Root))
        {
            repository.MarkScanned();
            return;
        }

        var pending = new List<(string Name, ServedVersion Version, ModelFolderConfig Config, string Folder)>();
        foreach (var folder in RepositoryLayout.Scan(repositoryOptions.Value.Root))
        {
            pending.AddRange(AddRepositoryModel(folder));
        }

        repository.MarkScanned();
        foreach (var (name, version, config, folder) in pending)
        {
            stoppingToken.ThrowIfCancellationRequested();
            await LoadAsync(name, version, config, folder, stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var classifier in _loaded)
        {
            await classifier.DisposeAsync();
        }
    }

    private void AddDefaultModel()
    {
        var options = modelOptions.Value;
        var name = options.Name ?? Path.GetFileNameWithoutExtension(options.Path);
        var version = new ServedVersion(1, options.Path, selected: true, batchingOptions.Value);
        version.Serve(defaultModel);
        repository.TryAdd(new ServedModel(name, [version], isDefault: true));
    }

    /// <summary>Lists the model and its versions; returns the versions its policy chooses, to be loaded.</summary>
    private IEnumerable<(string, ServedVersion, ModelFolderConfig, string)> AddRepositoryModel(ModelFolder folder)
    {
        ModelFolderConfig config;
        string? problem = null;
        try
        {
            config = ModelFolderConfig.Read(folder.Path);
        }
        catch (InvalidDataException e)
        {
            (config, problem) = (new ModelFolderConfig(), e.Message);
        }

        var policy = config.VersionPolicy ?? repositoryOptions.Value.VersionPolicy;
        var chosen = problem is null ? policy.Select(folder.Versions.Select(v => v.Version)) : new HashSet<long>();
        var batching = Batching(config);
        var versions = folder.Versions.Select(v => new ServedVersion(v.Version, v.ModelPath, chosen.Contains(v.Version), batching)).ToList();
        if (!repository.TryAdd(new ServedModel(folder.Name, versions, reason: problem)))
        {
            _logger.LogError("Model folder {Name} is not served: the default model (Model:Path) has that name.", folder.Name);
            return [];
        }

        if (problem is not null)
        {
            _logger.LogError("Model {Name} is not served: {Problem}", folder.Name, problem);
        }

        return versions.Where(v => v.Selected).Select(v => (folder.Name, v, config, folder.Path));
    }

    private async Task LoadAsync(string name, ServedVersion version, ModelFolderConfig config, string folder, CancellationToken stoppingToken)
    {
        var options = modelOptions.Value;
        var labels = Path.Combine(folder, RepositoryLayout.LabelsFileName);
        var settings = new ModelLoadSettings
        {
            Path = version.Path,
            Name = name,
            LabelsPath = File.Exists(labels) ? labels : null,
            ImageNetLabelsPath = options.ImageNetLabelsPath,
            ExecutionProvider = options.ExecutionProvider,
            DeviceId = options.DeviceId,
            IntraOpThreads = options.IntraOpThreads,
            InterOpThreads = options.InterOpThreads,
            Preprocessing = config.Preprocessing ?? new PreprocessingOverrides(),
        };

        _logger.LogInformation("Loading model {Name} version {Version} from {Path}", name, version.Version, version.Path);
        try
        {
            // Loading is synchronous native work; keep it off the host's threads.
            var model = await Task.Run(
                () => OnnxModel.Load(settings, version.Batching.MaxBatchSize, loggerFactory.CreateLogger<OnnxModel>()), stoppingToken);
            var classifier = new ImageClassifier(model, version.Batching, imageLimits.Value, loggerFactory.CreateLogger<ImageClassifier>());
            _loaded.Add(classifier);
            version.Serve(classifier);
            _logger.LogInformation("Model {Name} version {Version} is ready", name, version.Version);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever one file does wrong (ModelLoadException, a failing warm-up), the other models keep serving.
            version.Fail(e.Message);
            _logger.LogError("Model {Name} version {Version} could not be loaded: {Reason}", name, version.Version, e.Message);
        }
    }

    /// <summary>The service's batching with the model's own sizes where its config sets them.</summary>
    private BatchingOptions Batching(ModelFolderConfig config)
    {
        var global = batchingOptions.Value;
        return new BatchingOptions
        {
            MaxBatchSize = config.MaxBatchSize ?? global.MaxBatchSize,
            MaxBatchDelay = global.MaxBatchDelay,
            QueueCapacity = config.QueueCapacity ?? global.QueueCapacity,
            RetryAfter = global.RetryAfter,
        };
    }
}
