using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Repository;

/// <summary>
/// The one lifecycle of every model. While the host starts it loads and warms up the default model (the <c>Model</c>
/// section), so the service never listens without it: a missing file or an unavailable required GPU stops start-up
/// with a <see cref="ModelLoadException"/>. Then, in the background so that the service answers (and reports itself
/// not ready) meanwhile, it reads the repository folder, and again every <see cref="ModelRepositoryOptions.PollInterval"/>
/// for a changed default file and new, changed and removed models and versions (<see cref="RepositorySynchronizer"/>);
/// or, in <see cref="ModelControlMode.Explicit"/> mode, loads the start-up models and then only what the model control
/// calls (<see cref="LoadAsync"/>, <see cref="UnloadAsync"/>, <see cref="IndexAsync"/>) ask for, one call at a time.
/// On stop, after the server has drained its requests (hosted services stop in reverse order, the server first), every
/// version is unloaded once the requests that hold it have finished, or when the host's shutdown time runs out.
/// </summary>
public sealed class ModelRepositoryLoader(
    ModelRepository repository,
    IOptions<ModelOptions> modelOptions,
    IOptions<ModelRepositoryOptions> repositoryOptions,
    IOptions<BatchingOptions> batchingOptions,
    IClassifierFactory classifiers,
    ILoggerFactory loggerFactory,
    MemoryBudget memory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelRepositoryLoader>();
    private readonly SemaphoreSlim _turn = new(1, 1); // the synchronizer takes one caller at a time
    private RepositorySynchronizer? _synchronizer;

    private bool Explicit => repositoryOptions.Value.ControlMode == ModelControlMode.Explicit;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = modelOptions.Value;
        var shared = OrtEnvironment.UseSharedThreadPools(options.IntraOpThreads, options.InterOpThreads);
        _logger.LogInformation(shared
            ? "ONNX Runtime sessions share global thread pools (Model:IntraOpThreads, Model:InterOpThreads)"
            : "ONNX Runtime was started before the service: each session keeps its own thread pools");
        _synchronizer = new RepositorySynchronizer(
            repository, repositoryOptions.Value, options, batchingOptions.Value, classifiers, loggerFactory, memory);
        await _synchronizer.LoadDefaultAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Explicit)
        {
            await LoadStartupModelsAsync(stoppingToken);
            repository.MarkScanned();
            return;
        }

        await SyncAsync(stoppingToken);
        repository.MarkScanned();
        var poll = repositoryOptions.Value.PollInterval;
        if (poll <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(poll);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SyncAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_synchronizer is null)
        {
            return;
        }

        try
        {
            // In turn with passes and model control calls: a load that finished after the unloading would serve on.
            await OneAtATimeAsync(() =>
            {
                _synchronizer.UnloadAll();
                return Task.FromResult(true);
            }, cancellationToken);
            await _synchronizer.DrainAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Shutdown time ran out before every model had finished its requests");
        }
    }

    /// <summary>
    /// Loads the model <paramref name="name"/> (explicit mode only): the default model from its file, another from its
    /// folder. Throws <see cref="ModelNotFoundException"/> when the repository holds no such model folder and
    /// <see cref="ModelControlConflictException"/> in poll mode, where the folder decides what is loaded.
    /// </summary>
    public async Task<ServedModel> LoadAsync(string name, CancellationToken cancellationToken)
    {
        EnsureExplicit("load");
        return await OneAtATimeAsync(() => _synchronizer!.LoadModelAsync(name, cancellationToken), cancellationToken)
            ?? throw new ModelNotFoundException($"The model repository has no model folder '{name}' with a version in it.");
    }

    /// <summary>
    /// Unloads the model <paramref name="name"/> (explicit mode only): requests for it get 404 once those in flight have
    /// finished. Throws <see cref="ModelControlConflictException"/> for the default model and in poll mode,
    /// <see cref="ModelNotFoundException"/> for a model that is not loaded.
    /// </summary>
    public async Task UnloadAsync(string name, CancellationToken cancellationToken)
    {
        EnsureExplicit("unload");
        if (repository.Default.Name == name)
        {
            throw new ModelControlConflictException($"'{name}' is the default model (Model:Path); it cannot be unloaded.");
        }

        if (!await OneAtATimeAsync(() => Task.FromResult(_synchronizer!.UnloadModel(name)), cancellationToken))
        {
            throw new ModelNotFoundException($"There is no loaded model '{name}'.");
        }
    }

    /// <summary>Every model of the repository and of its folder, with each version's state (both modes).</summary>
    public Task<IReadOnlyList<RepositoryIndexEntry>> IndexAsync(CancellationToken cancellationToken) =>
        OneAtATimeAsync(() => Task.FromResult(_synchronizer!.Index()), cancellationToken);

    private void EnsureExplicit(string action)
    {
        if (!Explicit)
        {
            throw new ModelControlConflictException(
                $"Models cannot be told to {action} while ModelRepository:ControlMode is Poll: the folder decides what is loaded. Set it to Explicit.");
        }
    }

    private async Task LoadStartupModelsAsync(CancellationToken stoppingToken)
    {
        var names = repositoryOptions.Value.StartupModels;
        if (names.Contains(ModelRepositoryOptionsValidator.AllModels))
        {
            names = [.. (await IndexAsync(stoppingToken)).Select(entry => entry.Name).Where(name => name != repository.Default.Name).Distinct()];
        }

        foreach (var name in names)
        {
            try
            {
                await LoadAsync(name, stoppingToken);
            }
            catch (ModelNotFoundException e)
            {
                _logger.LogWarning("ModelRepository:StartupModels names {Name}: {Reason}", name, e.Message);
            }
        }
    }

    private async Task SyncAsync(CancellationToken stoppingToken)
    {
        try
        {
            await OneAtATimeAsync(async () =>
            {
                await _synchronizer!.SyncAsync(stoppingToken);
                return true;
            }, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A pass that fails (an unreadable folder, a race with a deletion) is logged; the next pass tries again.
            _logger.LogError(e, "Reading the model repository failed");
        }
    }

    private async Task<T> OneAtATimeAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            _turn.Release();
        }
    }
}
