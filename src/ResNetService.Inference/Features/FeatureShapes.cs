using Microsoft.ML.OnnxRuntime;
using ResNetService.Inference.Batching;

namespace ResNetService.Inference.Features;

/// <summary>Completes <see cref="FeatureOutputs"/> from the warm-up run: the outputs' real shapes, and whether they fit the classifier.</summary>
public static class FeatureShapes
{
    /// <summary>
    /// Reads the embedding's length and the feature map's [channels, height, width] from the warm-up results (the
    /// scores first, then the <paramref name="fetched"/> outputs in flag order); an output of the wrong rank is dropped.
    /// </summary>
    public static FeatureOutputs Measure(FeatureOutputs features, IReadOnlyList<OrtValue> results, ExtraOutputs fetched, int rows)
    {
        var next = 1;
        if (fetched.HasFlag(ExtraOutputs.Embedding))
        {
            var shape = results[next++].GetTensorTypeAndShape().Shape;
            var length = shape.Length >= 2 && shape[0] == rows ? shape.Skip(1).Aggregate(1L, (a, b) => a * b) : 0;
            features = length > 0 && shape.Skip(2).All(d => d == 1)
                ? features with { EmbeddingLength = (int)length }
                : features with
                {
                    EmbeddingOutput = null,
                    EmbeddingUnavailable = $"its embedding output '{features.EmbeddingOutput}' has shape [{string.Join(", ", shape)}], not [batch, channels]",
                };
        }

        if (fetched.HasFlag(ExtraOutputs.FeatureMap))
        {
            var shape = results[next].GetTensorTypeAndShape().Shape;
            features = shape.Length == 4 && shape[0] == rows && shape.Skip(1).All(d => d > 0)
                ? features with { FeatureMapShape = [(int)shape[1], (int)shape[2], (int)shape[3]] }
                : features with
                {
                    FeatureMapOutput = null,
                    ExplanationUnavailable = $"its feature map output '{features.FeatureMapOutput}' has shape [{string.Join(", ", shape)}], not [batch, channels, height, width]",
                };
        }

        return features;
    }

    /// <summary>A class activation map needs the classifier to weigh exactly the feature map's channels, one row per class.</summary>
    public static FeatureOutputs CheckClassifier(FeatureOutputs features, int classes)
    {
        if (!features.CanExplain || features.Classifier is not { } head)
        {
            return features;
        }

        var channels = features.FeatureMapShape.Count == 3 ? features.FeatureMapShape[0] : 0;
        return head.Classes == classes && head.Channels == channels
            ? features
            : features with
            {
                ExplanationUnavailable =
                    $"its classifier weighs {head.Channels} features into {head.Classes} classes, but the feature map has {channels} channels and the model {classes} classes",
            };
    }
}
