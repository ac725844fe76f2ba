using ResNetService.Inference.Explanations;

namespace ResNetService.Api.Explanations;

/// <summary>The answer to <c>POST /explain?format=json</c>: the raw class activation map.</summary>
/// <param name="ClassIndex">The class explained (the top class unless one was asked for).</param>
/// <param name="Probability">Its probability for this image.</param>
/// <param name="Width">Positions across the last feature map (the map is that coarse: 7 for a 224-pixel ResNet-50).</param>
/// <param name="Map">Row by row, top to bottom: the classifier's weights for the class applied to the feature map at each position, in logit units (the map's mean plus the class's bias is its logit).</param>
public sealed record ExplanationResponse(
    string Model,
    int ClassIndex,
    string Label,
    float Probability,
    int Width,
    int Height,
    float Min,
    float Max,
    IReadOnlyList<float[]> Map,
    double DecodeMs,
    double QueueMs,
    double InferenceMs,
    int BatchSize)
{
    public static ExplanationResponse From(string model, Explanation explanation) => new(
        model, explanation.Class.Index, explanation.Class.Label, explanation.Class.Probability, explanation.Map.Width,
        explanation.Map.Height, explanation.Map.Min, explanation.Map.Max, explanation.Map.Rows(),
        explanation.PreprocessingTime.TotalMilliseconds, explanation.QueueTime.TotalMilliseconds,
        explanation.InferenceTime.TotalMilliseconds, explanation.BatchSize);
}
