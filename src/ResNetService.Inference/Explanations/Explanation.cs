using ResNetService.Inference.Classification;
using SkiaSharp;

namespace ResNetService.Inference.Explanations;

/// <summary>Where the network looked for one class in one image: the class, its activation map, and the image it saw.</summary>
public sealed class Explanation(
    Prediction explained, ClassActivationMap map, SKBitmap view, int batchSize, TimeSpan preprocessingTime, TimeSpan queueTime, TimeSpan inferenceTime)
    : IDisposable
{
    /// <summary>The class explained, with its probability.</summary>
    public Prediction Class { get; } = explained;

    public ClassActivationMap Map { get; } = map;

    /// <summary>The part of the image the network saw, as a square (<c>ImageClassifier.ExplanationViewSize</c> at least).</summary>
    public SKBitmap View { get; } = view;

    public int BatchSize { get; } = batchSize;
    public TimeSpan PreprocessingTime { get; } = preprocessingTime;
    public TimeSpan QueueTime { get; } = queueTime;
    public TimeSpan InferenceTime { get; } = inferenceTime;

    /// <summary>The heatmap over the view, as PNG.</summary>
    public byte[] ToPng() => HeatmapOverlay.ToPng(View, Map);

    public void Dispose() => View.Dispose();
}
