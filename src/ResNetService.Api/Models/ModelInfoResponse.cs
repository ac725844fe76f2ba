using ResNetService.Inference.Batching;
using ResNetService.Inference.Model;

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
    string? TrainingDate,
    string? ProducerVersion,
    long? Opset,
    long? IrVersion,
    TensorResponse Input,
    TensorResponse Output,
    string OutputKind,
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
        info.TrainingDate,
        info.ProducerVersion,
        info.OpsetVersion,
        info.IrVersion,
        new TensorResponse(info.InputName, info.InputShape),
        new TensorResponse(info.OutputName, info.OutputShape),
        info.OutputKind,
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

/// <summary>A model input or output; -1 marks a dynamic dimension.</summary>
public sealed record TensorResponse(string Name, IReadOnlyList<long> Shape);

public sealed record PreprocessingResponse(
    int ImageSize, string ResizeMode, int ResizeSize, IReadOnlyList<float> Mean, IReadOnlyList<float> Std, string ColorMode);

/// <summary>The ONNX Runtime provider in use, and why it is not the preferred one (null when it is).</summary>
public sealed record ExecutionProviderResponse(string Name, string? FallbackReason);

public sealed record BatchingResponse(int MaxBatchSize, double MaxBatchDelayMs, int QueueCapacity);
