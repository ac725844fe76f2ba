using Microsoft.Extensions.Time.Testing;
using ResNetService.Inference.Batching;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;
using ResNetService.Inference.Serving;
using ResNetService.Inference.Telemetry;
using ResNetService.Inference.Tests.Telemetry;

namespace ResNetService.Inference.Tests.Memory;

/// <summary>
/// Decodes and sessions drawing from a <see cref="MemoryBudget"/>. The "other request" that holds the memory is a
/// reservation the test takes and gives back itself; time is a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class ClassifierMemoryTests(ModelFiles files) : IClassFixture<ModelFiles>
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    private static readonly byte[] Image = NoisePng(200, 150, seed: 4);
    private static readonly long ImageWeight = DecodeMemory.Bytes(ImageDecoder.Plan(Image, new ImageLimits()));

    private static byte[] NoisePng(int width, int height, int seed)
    {
        using var bitmap = TestImages.Noise(width, height, seed);
        return TestImages.Png(bitmap);
    }

    private MemoryBudget Budget(long capacity) => new(capacity, WaitTimeout, TimeSpan.FromSeconds(2), _time);

    /// <summary>A classifier whose decodes draw from <paramref name="budget"/> (its session is not counted here).</summary>
    private ImageClassifier Classifier(MemoryBudget budget)
    {
        var path = files.Write("budgeted", ModelFiles.SmallModelMetadata());
        var model = OnnxSession.Load(new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Cpu }, 2);
        return new ImageClassifier(model, new BatchingOptions { MaxBatchSize = 2, MaxBatchDelay = TimeSpan.Zero }, new ImageLimits(), memory: budget);
    }

    [Fact]
    public async Task A_decode_that_does_not_fit_waits_and_runs_once_the_memory_is_given_back()
    {
        var budget = Budget(ImageWeight);
        await using var classifier = Classifier(budget);
        var otherDecode = await budget.AcquireAsync(ImageWeight, MemoryUse.Decode);

        var classifying = classifier.ClassifyAsync(Image, topK: 3);
        Assert.False(classifying.IsCompleted);
        Assert.Equal(1, budget.Waiting);
        Assert.Equal(0, classifier.Statistics.Images);

        otherDecode.Dispose();
        var result = await classifying;

        Assert.Equal(3, result.Predictions.Count);
        Assert.Equal(0, budget.InUse); // Given back as soon as the image was preprocessed.
    }

    [Fact]
    public async Task An_image_heavier_than_the_whole_budget_is_refused_at_once_as_too_many_pixels()
    {
        var budget = Budget(ImageWeight - 1);
        await using var classifier = Classifier(budget);

        var rejected = await Assert.ThrowsAsync<ImageRejectedException>(() => classifier.ClassifyAsync(Image, topK: 1));

        Assert.Equal(ImageProblem.TooManyPixels, rejected.Problem);
        Assert.Contains("Memory:BudgetBytes", rejected.Message);
        Assert.Equal((0L, 0), (budget.InUse, budget.Waiting));
    }

    [Fact]
    public async Task A_decode_that_waited_too_long_is_overloaded_and_holds_nothing()
    {
        var budget = Budget(ImageWeight);
        await using var classifier = Classifier(budget);
        using var otherDecode = await budget.AcquireAsync(ImageWeight, MemoryUse.Decode);

        var classifying = classifier.ClassifyAsync(Image, topK: 1);
        _time.Advance(WaitTimeout);

        await Assert.ThrowsAsync<OverloadedException>(() => classifying);
        Assert.Equal((ImageWeight, 0), (budget.InUse, budget.Waiting));
        Assert.Equal(0, classifier.Statistics.Images);
    }

    [Fact]
    public async Task A_caller_that_goes_away_while_waiting_leaves_nothing_behind()
    {
        var budget = Budget(ImageWeight);
        await using var classifier = Classifier(budget);
        var otherDecode = await budget.AcquireAsync(ImageWeight, MemoryUse.Decode);
        using var cancellation = new CancellationTokenSource();

        var classifying = classifier.ClassifyAsync(Image, topK: 1, cancellation.Token);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => classifying);
        otherDecode.Dispose();
        Assert.Equal((0L, 0), (budget.InUse, budget.Waiting));
    }

    [Fact]
    public async Task A_decode_that_fails_gives_its_memory_back()
    {
        var budget = Budget(ImageWeight);
        await using var classifier = Classifier(budget);
        var truncated = Image[..(Image.Length / 2)]; // The header is whole: it is planned, then fails to decode.

        var rejected = await Assert.ThrowsAsync<ImageRejectedException>(() => classifier.ClassifyAsync(truncated, topK: 1));

        Assert.Equal(ImageProblem.Corrupt, rejected.Problem);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task In_a_batch_an_image_too_heavy_for_the_budget_fails_alone()
    {
        var budget = Budget(ImageWeight);
        await using var classifier = Classifier(budget);
        var heavy = NoisePng(400, 300, seed: 5);

        var results = await classifier.ClassifyBatchAsync([Image, heavy, Image], topK: 1);

        Assert.NotNull(results[0].Classification);
        Assert.Equal(ImageProblem.TooManyPixels, results[1].Rejection?.Problem);
        Assert.NotNull(results[2].Classification);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public void A_loaded_session_counts_until_it_is_disposed_and_a_failed_load_gives_its_share_back()
    {
        var budget = new MemoryBudget(long.MaxValue / 2, WaitTimeout, TimeSpan.FromSeconds(2), _time) { SessionBytesPerFileByte = 2 };
        var path = files.Write("session", ModelFiles.SmallModelMetadata());
        var broken = files.WriteText("broken.onnx", "not a model");
        var settings = new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Cpu };

        var model = OnnxSession.Load(settings, memory: budget);
        Assert.Equal(2 * new FileInfo(path).Length, budget.InUseBy(MemoryUse.Session));
        model.Dispose();
        Assert.Equal(0, budget.InUse);

        Assert.Throws<ModelLoadException>(() => OnnxSession.Load(settings with { Path = broken }, memory: budget));
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task Header_refusals_and_memory_timeouts_are_counted_like_other_refusals()
    {
        var name = $"budgeted-{Guid.NewGuid():N}";
        using var recorder = new TelemetryRecorder(name);
        var budget = Budget(ImageWeight);
        var path = files.Write(name, ModelFiles.SmallModelMetadata());
        var model = OnnxSession.Load(new ModelLoadSettings { Path = path, Name = name, ExecutionProvider = ExecutionProviderPreference.Cpu });
        await using var classifier = new ImageClassifier(model, new BatchingOptions(), new ImageLimits(), memory: budget);
        using var otherDecode = await budget.AcquireAsync(ImageWeight, MemoryUse.Decode);

        await Assert.ThrowsAsync<ImageRejectedException>(() => classifier.ClassifyAsync(new byte[] { 1, 2, 3, 4, 5, 6 }, topK: 1));
        var waiting = classifier.ClassifyAsync(Image, topK: 1);
        _time.Advance(WaitTimeout);
        await Assert.ThrowsAsync<OverloadedException>(() => waiting);

        var refused = Assert.Single(recorder.Of("resnet_service.images.rejected"));
        Assert.Equal("not_an_image", refused.Tags[InferenceMetrics.ErrorTypeTag]);
        Assert.Single(recorder.Spans(InferenceActivities.Preprocess), span => span.Status == System.Diagnostics.ActivityStatusCode.Error);
        var shed = Assert.Single(recorder.Of("resnet_service.requests.rejected"));
        Assert.Equal("memory_budget", shed.Tags[InferenceMetrics.ReasonTag]);
    }
}
