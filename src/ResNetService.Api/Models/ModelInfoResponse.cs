using System.Globalization;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Features;
using ResNetService.Inference.Model;
using ResNetService.Onnx.ModelFile;

namespace ResNetService.Api.Models;

/// <summary>The answer to <c>GET /model</c>: what is served, how images are prepared, and where it runs.</summary>
public sealed record ModelInfoResponse(
    string Name,
    string File,
    long FileSizeBytes,
    string Sha256,
    string? Architecture,
    string? Variant,
    string? Dataset,
    double? TestAccuracy,
    string? SelectedOn,
    double? ValidationAccuracy,
    string? TrainingDate,
    string? ProducerVersion,
    string Precision,
    QuantizationResponse? Quantization,
    long? Opset,
    long? IrVersion,
    TensorResponse Input,
    TensorResponse Output,
    string OutputKind,
    FeaturesResponse Features,
    PreprocessingResponse Preprocessing,
    int Classes,
    IReadOnlyList<string> Labels,
    IReadOnlyDictionary<string, string> SettingSources,
    ExecutionProviderResponse ExecutionProvider,
    BatchingResponse Batching,
    double LoadTimeMs,
    double WarmupTimeMs,
    InferenceStatistics Statistics)
{
    public static ModelInfoResponse From(ModelInfo info, BatchingOptions batching, InferenceStatistics statistics) => new(
        info.Name,
        Path.GetFileName(info.FilePath), // The name only: the server's folders are nobody's business.
        info.FileSizeBytes,
        info.Sha256,
        info.Architecture,
        info.Variant,
        info.Dataset,
        info.TestAccuracy,
        info.SelectedOn,
        info.ValidationAccuracy,
        info.TrainingDate,
        info.ProducerVersion,
        info.Precision,
        QuantizationResponse.From(info),
        info.OpsetVersion,
        info.IrVersion,
        new TensorResponse(info.InputName, info.InputShape),
        new TensorResponse(info.OutputName, info.OutputShape),
        info.OutputKind,
        FeaturesResponse.From(info.Features),
        new PreprocessingResponse(
            info.Preprocessing.ImageSize, info.Preprocessing.ResizeMode, info.Preprocessing.ResizeSize,
            info.Preprocessing.Mean, info.Preprocessing.Std, info.Preprocessing.ColorMode),
        info.Classes,
        info.Labels,
        info.SettingSources.ToDictionary(s => s.Key, s => s.Value.ToString().ToLowerInvariant()),
        new ExecutionProviderResponse(info.ExecutionProvider, info.ExecutionProviderFallbackReason),
        new BatchingResponse(batching.MaxBatchSize, batching.MaxBatchDelay.TotalMilliseconds, batching.QueueCapacity),
        info.LoadTime.TotalMilliseconds,
        info.WarmupTime.TotalMilliseconds,
        statistics);
}

/// <summary>
/// What the model gives besides its scores (<c>/embed</c>, <c>/explain</c>, V2 outputs): the embedding and last
/// feature map outputs with their shapes (null when absent, with the reason), whether the model's metadata declares
/// them or the service exposed them itself, and whether a class activation map can be made.
/// </summary>
public sealed record FeaturesResponse(
    TensorResponse? Embedding,
    TensorResponse? FeatureMap,
    bool Declared,
    bool Explanations,
    string? EmbeddingUnavailable,
    string? ExplanationUnavailable)
{
    public static FeaturesResponse From(FeatureOutputs features) => new(
        features.EmbeddingOutput is { } embedding ? new TensorResponse(embedding, [-1, features.EmbeddingLength]) : null,
        features.FeatureMapOutput is { } map ? new TensorResponse(map, [-1, .. features.FeatureMapShape.Select(d => (long)d)]) : null,
        features.Declared,
        features.CanExplain,
        features.EmbeddingUnavailable,
        features.ExplanationUnavailable);
}

/// <summary>
/// How an int8 model was quantized, from its metadata (the scheme, the calibration method and image count, the fp32
/// model's test accuracy); null for a float model. A model quantized by another tool has what its metadata tells.
/// </summary>
public sealed record QuantizationResponse(string? Scheme, string? Calibration, int? CalibrationImages, double? Fp32TestAccuracy)
{
    public static QuantizationResponse? From(ModelInfo info)
    {
        if (info.Precision != ModelPrecision.Int8)
        {
            return null;
        }

        string? Value(string key) => info.Metadata.GetValueOrDefault(key);
        return new QuantizationResponse(
            Value(ModelMetadataKeys.Quantization),
            Value(ModelMetadataKeys.QuantizationCalibration),
            int.TryParse(Value(ModelMetadataKeys.QuantizationCalibrationImages), NumberStyles.None, CultureInfo.InvariantCulture, out var images) ? images : null,
            double.TryParse(Value(ModelMetadataKeys.Fp32TestAccuracy), NumberStyles.Float, CultureInfo.InvariantCulture, out var accuracy) ? accuracy : null);
    }
}

/// <summary>A model input or output; -1 marks a dynamic dimension.</summary>
public sealed record TensorResponse(string Name, IReadOnlyList<long> Shape);

public sealed record PreprocessingResponse(
    int ImageSize, string ResizeMode, int ResizeSize, IReadOnlyList<float> Mean, IReadOnlyList<float> Std, string ColorMode);

/// <summary>The ONNX Runtime provider in use, and why it is not the preferred one (null when it is).</summary>
public sealed record ExecutionProviderResponse(string Name, string? FallbackReason);

public sealed record BatchingResponse(int MaxBatchSize, double MaxBatchDelayMs, int QueueCapacity);
