using System.Diagnostics;
using ResNetService.Inference.Batching;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Serving;
using ResNetService.Inference.Telemetry;
using SkiaSharp;

namespace ResNetService.Inference.Tests.Telemetry;

/// <summary>The classifier counts decoded and refused images by kind, and traces each image's preprocessing.</summary>
public sealed class ClassifierTelemetryTests(ModelFiles files) : IClassFixture<ModelFiles>
{
    [Fact]
    public async Task Images_are_counted_decoded_or_refused_by_kind_under_the_served_name_and_version()
    {
        var name = $"classifier-{Guid.NewGuid():N}";
        using var recorder = new TelemetryRecorder(name);
        var path = files.Write(name, ModelFiles.SmallModelMetadata());
        var model = OnnxSession.Load(new ModelLoadSettings { Path = path, Name = name, ExecutionProvider = ExecutionProviderPreference.Cpu });
        await using var classifier = new ImageClassifier(model, new BatchingOptions { MaxBatchDelay = TimeSpan.Zero }, new ImageLimits(), version: 7);
        using var picture = TestImages.Solid(32, 32, SKColors.Green);
        byte[] garbage = [.. "not an image at all"u8];

        var results = await classifier.ClassifyBatchAsync([TestImages.Png(picture), garbage], topK: 1);

        Assert.True(results[0].Succeeded);
        var decoded = Assert.Single(recorder.Of("resnet_service.images.decoded"));
        Assert.Equal(7L, decoded.Tags[InferenceMetrics.VersionTag]);
        var refused = Assert.Single(recorder.Of("resnet_service.images.rejected"));
        Assert.Equal("not_an_image", refused.Tags[InferenceMetrics.ErrorTypeTag]);
        var spans = recorder.Spans(InferenceActivities.Preprocess);
        Assert.Equal(2, spans.Count);
        Assert.Single(spans, span => span.Status == ActivityStatusCode.Error);
    }
}
