using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Hosting;

/// <summary>
/// Loads and warms up the model while the host starts, so the service never listens with a model it cannot run:
/// a missing file or an unavailable required GPU stops start-up with a <see cref="ModelLoadException"/>.
/// Relative paths in <see cref="ModelOptions"/> are taken from the content root (<see cref="ModelPathsFromContentRoot"/>).
/// The batcher's clock is the registered <see cref="TimeProvider"/>, if any (tests register a fake one).
/// </summary>
public sealed class ModelLoaderService(
    ImageClassifierHost host,
    IOptions<ModelOptions> modelOptions,
    IOptions<BatchingOptions> batchingOptions,
    IOptions<ImageLimits> imageLimits,
    ILoggerFactory loggerFactory,
    TimeProvider? timeProvider = null) : IHostedService
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
        var model = await Task.Run(() => OnnxModel.Load(options.ToLoadSettings(), batching.MaxBatchSize, logger), cancellationToken);
        host.Activate(new ImageClassifier(model, batching, imageLimits.Value, loggerFactory.CreateLogger<ImageClassifier>(), timeProvider));
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await host.DisposeAsync();
}
