using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ResNetService.Api.Tests.Support;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Explanations;
using ResNetService.Inference.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;
using ResNetService.Inference.Repository;
using ResNetService.Inference.Serving;
using ResNetService.Inference.Telemetry;
using ResNetService.TestSupport;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>A scrape while the model is stuck and its queue full still answers, and shows the overload.</summary>
[Collection(TelemetryTestCollection.Name)]
public sealed class ScrapeUnderOverloadTests
{
    [Fact]
    public async Task A_scrape_while_the_queue_is_full_answers_and_counts_the_rejections()
    {
        using var model = new TestModel();
        await using var factory = new StuckService(model.Path);
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();

        await factory.OverloadAsync(client, async stuck =>
        {
            using var scrape = await client.GetAsync("/metrics");

            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            var exposition = new Exposition(await scrape.Content.ReadAsStringAsync());
            (string, string)[] labels = [("model_name", stuck.Name), ("model_version", "1")];
            Assert.Equal(1, exposition.Single("resnet_service_requests_rejected_total", [.. labels, ("reason", "queue_full")]).Value);
            Assert.Equal(1, exposition.Single("resnet_service_queue_length", labels).Value);
        });
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 300 && !condition(); attempt++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "The condition did not hold within 30 s.");
    }

    /// <summary>The service whose default model's runs wait at a gate (<see cref="StuckClassifiers"/>).</summary>
    internal sealed class StuckService(string modelPath) : ServiceFactory(modelPath)
    {
        /// <summary>
        /// Holds a model run at the gate, fills the one-place queue, has a third request refused with 503, runs
        /// <paramref name="whileFull"/>, then opens the gate: the held and the queued requests are answered.
        /// </summary>
        public async Task OverloadAsync(HttpClient client, Func<StuckClassifier, Task> whileFull)
        {
            var stuck = Services.GetRequiredService<StuckClassifiers>().Created!;
            try
            {
                var running = client.PostAsync("/classify", Requests.RawBody(TestImages.Png(1)));
                await stuck.Model.EnteredAsync();
                var queued = client.PostAsync("/classify", Requests.RawBody(TestImages.Png(2)));
                await WaitUntilAsync(() => stuck.Statistics.QueueLength == 1);
                using (var refused = await client.PostAsync("/classify", Requests.RawBody(TestImages.Png(3))))
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                }

                await whileFull(stuck);

                stuck.Model.Open();
                using var first = await running;
                using var second = await queued;
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
                Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            }
            finally
            {
                stuck.Model.Open();
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<StuckClassifiers>();
                services.AddSingleton<IClassifierFactory>(provider => provider.GetRequiredService<StuckClassifiers>());
            });
        }
    }

    /// <summary>Puts a <see cref="StuckClassifier"/> in front of the service's own classifier of the default model.</summary>
    public sealed class StuckClassifiers(IOptions<ImageLimits> limits, IOptions<ImageDecoding> decoding, ILoggerFactory loggers, MemoryBudget memory)
        : IClassifierFactory
    {
        private readonly ClassifierFactory _real = new(limits, decoding, loggers, memory);

        public StuckClassifier? Created { get; private set; }

        public IImageModel Create(OnnxSession session, BatchingOptions batching, long version) =>
            Created = new StuckClassifier(_real.Create(session, batching, version));
    }

    /// <summary>
    /// The default model's classifier with a gate in front: each image first passes a batcher (queue of one) whose
    /// model blocks until released, then the real classifier answers it.
    /// </summary>
    public sealed class StuckClassifier : IImageModel, IAsyncDisposable
    {
        private readonly IImageModel _real;
        private readonly ModelTelemetry _telemetry;
        private readonly DynamicBatcher _batcher;

        public StuckClassifier(IImageModel real)
        {
            _real = real;
            _telemetry = new ModelTelemetry(Name, 1, "GatedExecutionProvider");
            _batcher = new DynamicBatcher(Model, new BatchingOptions { MaxBatchSize = 1, QueueCapacity = 1, MaxBatchDelay = TimeSpan.Zero },
                telemetry: _telemetry);
            _telemetry.ObserveQueueLength(() => _batcher.Statistics.QueueLength);
        }

        public string Name { get; } = $"stuck-{Guid.NewGuid():N}"[..14];

        public GatedModel Model { get; } = new(inputLength: 1, outputLength: 1);

        public bool IsReady => _real.IsReady;

        public Inference.Model.ModelInfo Info => _real.Info;

        public InferenceStatistics Statistics => _batcher.Statistics;

        public void EnsureRoom(int images) => _batcher.EnsureRoom(images);

        public async Task<ClassificationResult> ClassifyAsync(ReadOnlyMemory<byte> image, int topK, CancellationToken cancellationToken = default)
        {
            await _batcher.RunAsync(_batcher.RentRow(), cancellationToken);
            return await _real.ClassifyAsync(image, topK, cancellationToken);
        }

        public Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
            IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<BatchItemResult>> ClassifyBatchAsync(
            IReadOnlyList<ReadOnlyMemory<byte>> images, int topK, ExtraOutputs extras, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<BatchRowResult>> InferAsync(
            IReadOnlyList<ReadOnlyMemory<float>> rows, ExtraOutputs extras, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<EmbeddingResult> EmbedAsync(ReadOnlyMemory<byte> image, bool normalize, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<BatchEmbeddingItem>> EmbedBatchAsync(
            IReadOnlyList<ReadOnlyMemory<byte>> images, bool normalize, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<Explanation> ExplainAsync(ReadOnlyMemory<byte> image, int? classIndex, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public void EnsureOutputs(ExtraOutputs extras) => throw new NotSupportedException();

        public async ValueTask DisposeAsync()
        {
            Model.Open();
            _telemetry.Dispose();
            await _batcher.DisposeAsync();
            if (_real is IAsyncDisposable real)
            {
                await real.DisposeAsync();
            }
        }
    }
}
