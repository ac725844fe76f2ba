using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ResNetService.Api.Tests.Support;
using ResNetService.Inference.Batching;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Repository;
using ResNetService.Inference.Serving;
using ResNetService.TestSupport;
using Serilog.Events;

namespace ResNetService.Api.Tests.Overload;

/// <summary>
/// The service whose default model (on /classify, /models/test-model/... and /v2) is a real classifier of the test
/// model held at a gate (<see cref="Model"/>), on a clock the test moves (<see cref="Clock"/>). One image per model
/// run and two waiting at most (unless a test asks for more room), so that one running and two queued fill it. Records the body bytes read per request
/// (<see cref="BodyReads"/>) and every log event.
/// </summary>
public class GatedService : ServiceFactory
{
    public const int Capacity = 2;
    public static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    private readonly ImageClassifier _classifier;

    /// <param name="settings">Further settings (the gate's own below win over them).</param>
    /// <param name="capacity">The queue's image count (a memory guard), when a test needs more room than <see cref="Capacity"/>.</param>
    public GatedService(string modelPath, IReadOnlyDictionary<string, string?>? settings = null, int capacity = Capacity)
        : base(modelPath, new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Batching:MaxBatchSize"] = "1",
            ["Batching:MaxBatchDelay"] = "00:00:00",
            ["Batching:QueueCapacity"] = capacity.ToString(),
            ["Batching:QueueTimeout"] = QueueTimeout.ToString(),
            ["Batching:RetryAfter"] = RetryAfter.ToString(),
            ["Uploads:MaxFilesPerBatch"] = Capacity.ToString(),
            ["V2:MaxBatchSize"] = Capacity.ToString(),
        })
    {
        var onnx = OnnxSession.Load(new ModelLoadSettings { Path = modelPath, ExecutionProvider = ExecutionProviderPreference.Cpu });
        Model = new GatedModel(inner: onnx);
        var batching = new BatchingOptions
        {
            MaxBatchSize = 1,
            MaxBatchDelay = TimeSpan.Zero,
            QueueCapacity = capacity,
            QueueTimeout = QueueTimeout,
            RetryAfter = RetryAfter,
        };
        _classifier = new ImageClassifier(onnx.Info, Model, batching, new ImageLimits(), timeProvider: Clock);
    }

    public GatedModel Model { get; }

    /// <summary>The clock of the batcher (and of whatever a test registers it for); it tells when a timer is started on it.</summary>
    public WatchedClock Clock { get; } = new();

    public IImageClassifier Classifier => _classifier;

    public BodyReads BodyReads { get; } = new();

    /// <summary>
    /// Lines at Warning or above about a 503 or 429: there should be none. Readiness probes are left out: they answer
    /// 503 while the service starts, which is not a refusal.
    /// </summary>
    public IReadOnlyList<LogEvent> UnexpectedRefusalLogs => [.. Log.Events.Where(e =>
        e.Level >= LogEventLevel.Warning
        && e.Properties.TryGetValue("StatusCode", out var status) && status.ToString() is "503" or "429"
        && !(e.Properties.TryGetValue("RequestPath", out var path) && path.ToString().Contains("/health", StringComparison.Ordinal)))];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IClassifierFactory>(new FixedClassifierFactory(_classifier)));
            services.AddSingleton<IStartupFilter>(BodyReads);
        });
    }

    /// <summary>Waits (bounded) until exactly <paramref name="rows"/> images wait in the queue.</summary>
    public async Task WaitUntilQueuedAsync(int rows)
    {
        for (var attempt = 0; attempt < 3000 && _classifier.Statistics.QueueLength != rows; attempt++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(rows, _classifier.Statistics.QueueLength);
    }

    public override async ValueTask DisposeAsync()
    {
        Model.Open();
        await base.DisposeAsync();
        await _classifier.DisposeAsync();
    }
}
