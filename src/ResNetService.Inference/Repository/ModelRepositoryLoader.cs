using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Repository;

/// <summary>
/// The one lifecycle of every model. While the host starts it loads and warms up the default model (the <c>Model</c>
/// section), so the service never listens without it: a missing file or an unavailable required GPU stops start-up
/// with a <see cref="ModelLoadException"/>. Then, in the background so that the service answers (and reports itself
/// not ready) meanwhile, it reads the repository folder, and again every <see cref="ModelRepositoryOptions.PollInterval"/>
/// for a changed default file and new, changed and removed models and versions (<see cref="RepositorySynchronizer"/>).
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
    private RepositorySynchronizer? _synchronizer;

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

        _synchronizer.UnloadAll();
        try
        {
            await _synchronizer.DrainAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Shutdown time ran out before every model had finished its requests");
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
}
