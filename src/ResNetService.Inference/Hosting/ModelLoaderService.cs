using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Hosting;

/// <summary>
/// Loads and warms up the model while the host starts, so the service never listens with a model it cannot run:
/// a missing file or an unavailable required GPU stops start-up with a <see cref="ModelLoadException"/>.
/// Relative paths in <see cref="ModelOptions"/> are taken from the content root (<see cref="ModelPathsFromContentRoot"/>).
/// Its batcher keeps the system clock even when a test registers a fake one for the shutdown or memory waits: a batch
/// delay on a clock nobody moves would never end.
/// </summary>
public sealed class ModelLoaderService(
    ImageClassifierHost host,
    IOptions<ModelOptions> modelOptions,
    IOptions<BatchingOptions> batchingOptions,
    IOptions<ImageLimits> imageLimits,
    ILoggerFactory loggerFactory,
    MemoryBudget memory) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = modelOptions.Value;
        var batching = batchingOptions.Value;
        var logger = loggerFactory.CreateLogger<OnnxModel>();
        var shared = OrtEnvironment.UseSharedThreadPools(options.IntraOpThreads, options.InterOpThreads);
        logger.LogInformation(shared
            ? "ONNX Runtime sessions share global thread pools (Model:IntraOpThreads, Model:InterOpThreads)"
            : "ONNX Runtime was started before the service: each session keeps its own thread pools");
        logger.LogInformation("Loading model {Path} (execution provider {Preference})", options.Path, options.ExecutionProvider);
        // Loading is synchronous native work; keep it off the thread that starts the host.
        var settings = options.ToLoadSettings();
        OnnxModel model;
        try
        {
            model = await Task.Run(() => OnnxModel.Load(settings, batching.MaxBatchSize, logger, memory: memory), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            InferenceMetrics.CountModelLoad(settings.DisplayName, 1, succeeded: false);
            throw;
        }

        InferenceMetrics.CountModelLoad(settings.DisplayName, 1, succeeded: true);
        host.Activate(new ImageClassifier(model, batching, imageLimits.Value, loggerFactory.CreateLogger<ImageClassifier>(), memory: memory));
    }

    /// <summary>
    /// Unloads the model. In a web host this runs after the server has stopped and drained its requests (hosted services
    /// stop in reverse order, the server first); rows still queued run while the host's shutdown time lasts.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await host.DrainAsync(cancellationToken);
        await host.DisposeAsync();
    }
}
