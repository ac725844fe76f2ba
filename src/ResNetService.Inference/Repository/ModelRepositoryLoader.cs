using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;

namespace ResNetService.Inference.Repository;

/// <summary>
/// Keeps the <see cref="ModelRepository"/> in step with the repository folder: lists the default model at once (its
/// loading is <see cref="ModelLoaderService"/>'s), reads the folder after start-up, in the background so that the
/// service answers (and reports itself not ready) meanwhile, then again every <see cref="ModelRepositoryOptions.PollInterval"/>
/// for new, changed and removed models and versions (<see cref="RepositorySynchronizer"/>).
/// </summary>
public sealed class ModelRepositoryLoader(
    ModelRepository repository,
    IImageClassifier defaultModel,
    IOptions<ModelOptions> modelOptions,
    IOptions<ModelRepositoryOptions> repositoryOptions,
    IOptions<BatchingOptions> batchingOptions,
    IOptions<ImageLimits> imageLimits,
    ILoggerFactory loggerFactory,
    MemoryBudget memory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelRepositoryLoader>();
    private RepositorySynchronizer? _synchronizer;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AddDefaultModel();
        var options = repositoryOptions.Value;
        if (string.IsNullOrWhiteSpace(options.Root))
        {
            repository.MarkScanned();
            return;
        }

        _synchronizer = new RepositorySynchronizer(
            repository, options, modelOptions.Value, batchingOptions.Value, imageLimits.Value, loggerFactory, memory);
        await SyncAsync(stoppingToken);
        repository.MarkScanned();
        if (options.PollInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SyncAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var version in repository.Models.Where(model => !model.IsDefault).SelectMany(model => model.Versions))
        {
            if (version.Unload() is { } generation)
            {
                await generation.RetireAsync();
            }
        }

        if (_synchronizer is not null)
        {
            await _synchronizer.DrainAsync();
        }
    }

    private async Task SyncAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _synchronizer!.SyncAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A pass that fails (an unreadable folder, a race with a deletion) is logged; the next pass tries again.
            _logger.LogError(e, "Reading the model repository failed");
        }
    }

    private void AddDefaultModel()
    {
        var settings = modelOptions.Value.ToLoadSettings();
        var version = new ServedVersion(1, settings.Path, selected: true);
        version.Serve(new ClassifierGeneration(defaultModel, FileFingerprint.Of(settings.Path), batchingOptions.Value, owned: false));
        repository.TryAdd(new ServedModel(settings.DisplayName, [version], isDefault: true));
    }
}
